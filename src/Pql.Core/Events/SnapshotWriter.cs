using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace Pql.Core.Events;

/// <summary>
/// Writes a store snapshot: a fixed header (magic, format, key, payload length, XxHash3 of the payload), then the
/// payload as length-prefixed raw arrays. Written to a temporary name and renamed, so a reader sees a whole file or none.
/// </summary>
internal sealed class SnapshotWriter : IDisposable
{
    public const int HeaderSize = 48;
    public const int FormatVersion = 2; // 2: the metrics table
    public static ReadOnlySpan<byte> Magic => "PQLSTORE"u8;

    private readonly string _path;
    private readonly string _tmp;
    private readonly FileStream _file;
    private readonly XxHash3 _hash = new();
    private long _length;

    public SnapshotWriter(string path)
    {
        _path = path;
        _tmp = path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = new FileStream(_tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        _file.Write(new byte[HeaderSize]);
    }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        _file.Write(bytes);
        _hash.Append(bytes);
        _length += bytes.Length;
    }

    public void Long(long v)
    {
        Span<byte> b = stackalloc byte[8];
        BitConverter.TryWriteBytes(b, v);
        Bytes(b);
    }

    public void Array<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        Long(values.Length);
        Bytes(MemoryMarshal.AsBytes(values));
    }

    public void String(string s) => Array(s.AsSpan());

    /// <summary>A list of strings: the count, each length, then all characters.</summary>
    public void Strings(IReadOnlyList<string> values)
    {
        var lengths = new int[values.Count];
        for (var i = 0; i < lengths.Length; i++)
            lengths[i] = values[i].Length;
        Array<int>(lengths);
        var chars = new StringBuilder();
        foreach (var v in values)
        {
            chars.Append(v);
            if (chars.Length > 1 << 20)
            {
                Flush(chars);
            }
        }
        Flush(chars);
    }

    private void Flush(StringBuilder chars)
    {
        foreach (var chunk in chars.GetChunks())
            Bytes(MemoryMarshal.AsBytes(chunk.Span));
        chars.Clear();
    }

    /// <summary>Writes the header with the key, length and checksum, syncs to disk and renames into place.</summary>
    public void Commit(ReadOnlySpan<byte> key)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        BitConverter.TryWriteBytes(header.AsSpan(8), FormatVersion);
        key[..16].CopyTo(header.AsSpan(16));
        BitConverter.TryWriteBytes(header.AsSpan(32), _length);
        BitConverter.TryWriteBytes(header.AsSpan(40), _hash.GetCurrentHashAsUInt64());
        _file.Position = 0;
        _file.Write(header);
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        File.Move(_tmp, _path, overwrite: true);
    }

    public void Dispose()
    {
        _file.Dispose();
        if (File.Exists(_tmp))
            File.Delete(_tmp);
    }
}
