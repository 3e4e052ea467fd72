using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Pql.Core.Events;

/// <summary>
/// Reads a snapshot written by <see cref="SnapshotWriter"/> through a read-only memory mapping: the header is checked
/// (magic, format, key, length) and the whole payload's XxHash3 verified before any value is used, so a stale,
/// truncated or corrupt file is refused (<see cref="Open"/> returns null with the reason), never half-read.
/// Arrays are copied out of the mapping in one block each.
/// </summary>
internal sealed unsafe class SnapshotReader : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _end;
    private long _pos = SnapshotWriter.HeaderSize;

    private SnapshotReader(MemoryMappedFile map, MemoryMappedViewAccessor view, long length)
    {
        _map = map;
        _view = view;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + view.PointerOffset;
        _end = length;
    }

    /// <summary>Opens and verifies the file; null (with why) when it is missing, for another key, or damaged. An empty key accepts any.</summary>
    public static SnapshotReader? Open(string path, ReadOnlySpan<byte> key, out string? problem)
    {
        problem = null;
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            problem = "no snapshot yet";
            return null;
        }
        if (info.Length < SnapshotWriter.HeaderSize)
        {
            problem = "the snapshot is cut short";
            return null;
        }
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        SnapshotReader? reader = null;
        try
        {
            reader = new SnapshotReader(map, map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read), info.Length);
            problem = reader.Verify(key);
            if (problem is null)
                return reader;
        }
        catch (IOException ex)
        {
            problem = ex.Message;
        }
        if (reader is not null)
            reader.Dispose();
        else
            map.Dispose();
        return null;
    }

    private string? Verify(ReadOnlySpan<byte> key)
    {
        var header = new ReadOnlySpan<byte>(_base, SnapshotWriter.HeaderSize);
        if (!header[..8].SequenceEqual(SnapshotWriter.Magic) || BitConverter.ToInt32(header[8..]) != SnapshotWriter.FormatVersion)
            return "the snapshot is of another format";
        if (!key.IsEmpty && !header.Slice(16, 16).SequenceEqual(key[..16]))
            return "the inputs or pql.yaml changed since the snapshot";
        var length = BitConverter.ToInt64(header[32..]);
        if (length != _end - SnapshotWriter.HeaderSize)
            return "the snapshot is cut short";
        var hash = new XxHash3();
        for (var at = (long)SnapshotWriter.HeaderSize; at < _end; at += 1 << 30)
            hash.Append(new ReadOnlySpan<byte>(_base + at, (int)Math.Min(1 << 30, _end - at)));
        return hash.GetCurrentHashAsUInt64() == BitConverter.ToUInt64(header[40..]) ? null : "the snapshot's checksum does not match (damaged)";
    }

    private ReadOnlySpan<byte> Take(long bytes)
    {
        if (bytes < 0 || bytes > int.MaxValue || _pos + bytes > _end)
            throw new InvalidDataException("snapshot section out of bounds");
        var span = new ReadOnlySpan<byte>(_base + _pos, (int)bytes);
        _pos += bytes;
        return span;
    }

    public long Long() => BitConverter.ToInt64(Take(8));

    public T[] Array<T>() where T : unmanaged
    {
        var count = Long();
        var bytes = Take(checked(count * sizeof(T)));
        var values = GC.AllocateUninitializedArray<T>((int)count);
        bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public string String() => new(MemoryMarshal.Cast<byte, char>(Take(checked(Long() * 2))));

    public string[] Strings()
    {
        var lengths = Array<int>();
        long total = 0;
        foreach (var l in lengths)
            total += l;
        var chars = MemoryMarshal.Cast<byte, char>(Take(checked(total * 2)));
        var values = new string[lengths.Length];
        var at = 0;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new string(chars.Slice(at, lengths[i]));
            at += lengths[i];
        }
        return values;
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
