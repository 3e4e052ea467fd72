using System.Runtime.InteropServices;

namespace Pql.Core.Ingest;

/// <summary>
/// Reads gzip (one or several concatenated members) through Intel's ISA-L streaming inflate (Debian's libisal2) when the
/// machine has it, with the same strictness as <see cref="StrictGzipStream"/>: the CRC of each member is checked and a
/// file that ends before a member's end fails. The library is found at run time and checked on a known sample before it
/// is trusted (its state struct is only reached by offsets of the 2.x ABI); without it callers use zlib.
/// </summary>
internal sealed unsafe class IsalGzipStream : ForwardOnlyStream
{
    // struct inflate_state (isa-l 2.30, LP64): offsets of the fields used here, and its size with room to spare.
    private const int StateBytes = 128 * 1024;
    private const int NextOut = 0, AvailOut = 8, NextIn = 16, AvailIn = 32, BlockState = 21160, CrcFlag = 21172;
    private const int IsalGzip = 1, IsalBlockFinish = 5;

    private static readonly Lazy<Api?> s_api = new(Load);

    private readonly Stream _inner;
    private readonly string _name;
    private readonly byte[] _in = new byte[1 << 18];
    private readonly byte* _state;
    private readonly Api _lib;
    private GCHandle _pin;
    private bool _memberOpen = true;
    private bool _done;
    private long _compressedRead;

    /// <summary>Whether ISA-L is installed and passed its self-check.</summary>
    public static bool Available => s_api.Value is not null;

    public IsalGzipStream(Stream inner, string name)
        : this(inner, name, s_api.Value ?? throw new InvalidOperationException("ISA-L is not available"))
    {
    }

    private IsalGzipStream(Stream inner, string name, Api lib)
    {
        _lib = lib;
        _inner = inner;
        _name = name;
        _state = (byte*)NativeMemory.AllocZeroed(StateBytes);
        _pin = GCHandle.Alloc(_in, GCHandleType.Pinned);
        _lib.Init(_state);
        *(uint*)(_state + CrcFlag) = IsalGzip;
    }

    private ref byte* NextInPtr => ref *(byte**)(_state + NextIn);
    private ref uint AvailInBytes => ref *(uint*)(_state + AvailIn);

    public override int Read(Span<byte> buffer)
    {
        if (_done || buffer.Length == 0)
            return 0;
        fixed (byte* outPtr = buffer)
        {
            *(byte**)(_state + NextOut) = outPtr;
            ref var availOut = ref *(uint*)(_state + AvailOut);
            availOut = (uint)buffer.Length;
            while (availOut == (uint)buffer.Length)
            {
                if (AvailInBytes == 0)
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
                    NextInPtr = (byte*)_pin.AddrOfPinnedObject();
                    AvailInBytes = (uint)n;
                }
                if (!_memberOpen)
                {
                    // Another member follows (concatenated gzip): reset, keeping the unread input.
                    var next = NextInPtr;
                    var avail = AvailInBytes;
                    _lib.Reset(_state);
                    *(uint*)(_state + CrcFlag) = IsalGzip;
                    NextInPtr = next;
                    AvailInBytes = avail;
                    *(byte**)(_state + NextOut) = outPtr + (buffer.Length - availOut);
                    _memberOpen = true;
                }
                var rc = _lib.Inflate(_state);
                if (rc < 0)
                    throw new InvalidDataException(FormattableString.Invariant($"{_name}: the gzip data is corrupt near byte {_compressedRead - AvailInBytes:N0} ({Describe(rc)})"));
                if (*(int*)(_state + BlockState) == IsalBlockFinish)
                    _memberOpen = false;
            }
            return buffer.Length - (int)availOut;
        }
    }

    private static string Describe(int rc) => rc switch
    {
        -1 => "invalid block",
        -2 => "invalid symbol",
        -3 => "invalid lookback distance",
        -4 => "not a gzip header",
        -6 => "CRC mismatch",
        _ => FormattableString.Invariant($"ISA-L error {rc}"),
    };

    protected override void Dispose(bool disposing)
    {
        if (_state != null)
            NativeMemory.Free(_state);
        if (_pin.IsAllocated)
            _pin.Free();
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    private sealed class Api(delegate* unmanaged<byte*, void> init, delegate* unmanaged<byte*, void> reset, delegate* unmanaged<byte*, int> inflate)
    {
        public void Init(byte* state) => init(state);
        public void Reset(byte* state) => reset(state);
        public int Inflate(byte* state) => inflate(state);
    }

    /// <summary>Finds libisal and checks it inflates a known two-member sample exactly; null when absent or different.</summary>
    private static Api? Load()
    {
        if (Environment.GetEnvironmentVariable("PQL_NO_ISAL") == "1" || !NativeLibrary.TryLoad("libisal.so.2", out var lib))
            return null;
        if (!NativeLibrary.TryGetExport(lib, "isal_inflate_init", out var init) || !NativeLibrary.TryGetExport(lib, "isal_inflate_reset", out var reset)
            || !NativeLibrary.TryGetExport(lib, "isal_inflate", out var inflate))
            return null;
        var api = new Api((delegate* unmanaged<byte*, void>)init, (delegate* unmanaged<byte*, void>)reset, (delegate* unmanaged<byte*, int>)inflate);
        return SelfCheck(api) ? api : null;
    }

    private static bool SelfCheck(Api api)
    {
        var text = "timestamp,event\n"u8.ToArray();
        using var gz = new MemoryStream();
        for (var m = 0; m < 2; m++)
        {
            using var member = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);
            member.Write(text);
        }
        try
        {
            using var stream = new IsalGzipStream(new MemoryStream(gz.ToArray()), "self-check", api);
            var output = new MemoryStream();
            stream.CopyTo(output);
            return output.ToArray().AsSpan().SequenceEqual([.. text, .. text]);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
