using System.Reflection;
using System.Runtime.InteropServices;

namespace Pql.Core.Ingest;

/// <summary>
/// Reads a gzip file (one or several concatenated members) through the system zlib and fails when the file
/// ends before a member's end-of-stream marker. .NET's GZipStream returns a truncated file's prefix as if it
/// were whole, and a partial file must never be loaded as if it were complete.
/// </summary>
internal sealed unsafe partial class StrictGzipStream : ForwardOnlyStream
{
    private const int ZOk = 0;
    private const int ZStreamEnd = 1;
    private const int ZBufError = -5;
    private const int ZNoFlush = 0;

    private readonly Stream _inner;
    private readonly string _name;
    private readonly byte[] _in = new byte[1 << 18];
    private readonly ZStream* _z;
    private GCHandle _pin;
    private bool _memberOpen;
    private bool _done;
    private long _compressedRead;

    public StrictGzipStream(Stream inner, string name)
    {
        _inner = inner;
        _name = name;
        _z = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        _pin = GCHandle.Alloc(_in, GCHandleType.Pinned);
        _z->NextIn = (byte*)_pin.AddrOfPinnedObject();
        // windowBits 15 + 16 = expect a gzip header and trailer (CRC32 and size are checked by zlib).
        var rc = InflateInit2(_z, 15 + 16, ZlibVersion(), sizeof(ZStream));
        if (rc != ZOk)
            throw new InvalidDataException($"{name}: zlib could not start ({rc})");
        _memberOpen = true;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_done || buffer.Length == 0)
            return 0;
        fixed (byte* outPtr = buffer)
        {
            _z->NextOut = outPtr;
            _z->AvailOut = (uint)buffer.Length;
            while (_z->AvailOut == (uint)buffer.Length)
            {
                if (_z->AvailIn == 0)
                {
                    var n = _inner.Read(_in, 0, _in.Length);
                    _compressedRead += n;
                    if (n == 0)
                    {
                        if (_memberOpen)
                            throw new InvalidDataException(FormattableString.Invariant($"{_name}: the gzip file is truncated at byte {_compressedRead:N0} (it ends before its end-of-stream marker)"));
                        _done = true;
                        return 0;
                    }
                    _z->NextIn = (byte*)_pin.AddrOfPinnedObject();
                    _z->AvailIn = (uint)n;
                }
                if (!_memberOpen)
                {
                    // Another member follows (concatenated gzip, as parallel compressors write).
                    if (InflateReset(_z) != ZOk)
                        throw new InvalidDataException($"{_name}: zlib could not reset for the next gzip member");
                    _memberOpen = true;
                }
                var rc = Inflate(_z, ZNoFlush);
                if (rc == ZStreamEnd)
                    _memberOpen = false;
                else if (rc != ZOk && rc != ZBufError)
                    throw new InvalidDataException(FormattableString.Invariant(
                        $"{_name}: the gzip data is corrupt near byte {Offset:N0} ({Marshal.PtrToStringAnsi(_z->Msg) ?? rc.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
            }
            return buffer.Length - (int)_z->AvailOut;
        }
    }

    /// <summary>The compressed byte zlib stopped at: what was read from the file minus what it has not consumed.</summary>
    private long Offset => _compressedRead - _z->AvailIn;

    protected override void Dispose(bool disposing)
    {
        if (_z != null)
        {
            _ = InflateEnd(_z);
            NativeMemory.Free(_z);
        }
        if (_pin.IsAllocated)
            _pin.Free();
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>zlib's z_stream on LP64 platforms (uLong is 64-bit there).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public nint Msg;
        public nint State;
        public nint ZAlloc;
        public nint ZFree;
        public nint Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    private const string Lib = "z";

    static StrictGzipStream() => NativeLibrary.SetDllImportResolver(typeof(StrictGzipStream).Assembly, Resolve);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib)
            return 0;
        foreach (var candidate in (string[])["libz.so.1", "libz.so", "libz.1.dylib", "zlib1.dll"])
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
                return handle;
        }
        return 0;
    }

    [LibraryImport(Lib, EntryPoint = "inflateInit2_")]
    private static partial int InflateInit2(ZStream* strm, int windowBits, nint version, int streamSize);

    [LibraryImport(Lib, EntryPoint = "inflate")]
    private static partial int Inflate(ZStream* strm, int flush);

    [LibraryImport(Lib, EntryPoint = "inflateReset")]
    private static partial int InflateReset(ZStream* strm);

    [LibraryImport(Lib, EntryPoint = "inflateEnd")]
    private static partial int InflateEnd(ZStream* strm);

    [LibraryImport(Lib, EntryPoint = "zlibVersion")]
    private static partial nint ZlibVersion();
}
