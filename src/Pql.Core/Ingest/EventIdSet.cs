using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Pql.Core.Ingest;

/// <summary>
/// Remembers event ids by a 128-bit hash instead of the strings, so deduplicating tens of millions of
/// events costs about 16-32 bytes each. The hash is XxHash128 (System.IO.Hashing), whose 128 output bits pass
/// SMHasher's collision tests, so for n ids an accidental collision (which would drop a real event as a duplicate)
/// has odds about n^2 / 2^129: below 10^-24 for 10^8 events. Open addressing with linear probing: one array, no per-entry objects.
/// </summary>
/// <remarks>
/// Each insert of a new id is a random access into a table of hundreds of MB: a cache miss and, with 4 KB pages, a TLB
/// miss, which made it the single largest cost of a 10M-event load. So the table lives in native memory aligned to 2 MB
/// and asks Linux for transparent huge pages (<c>madvise</c>; ignored where unsupported), fills up to 3/4 before doubling
/// (half the memory of 1/2, still short probe runs), and <see cref="Prefetch"/> lets the loader ask for a slot's cache
/// line some rows before it inserts there. Disposing (or the finalizer) frees the table.
/// </remarks>
internal sealed unsafe class EventIdSet : IDisposable
{
    private const nuint HugePage = 2 << 20;
    private UInt128* _slots;
    private int _capacity;
    private int _count;

    public EventIdSet() => _slots = Allocate(_capacity = 1 << 16);

    ~EventIdSet() => Free();

    public int Count => _count;

    /// <summary>True when the id was new.</summary>
    public bool Add(ReadOnlySpan<char> id) => AddHash(Hash(id));

    /// <summary>True when the id whose <see cref="Hash"/> this is was new.</summary>
    public bool AddHash(UInt128 h)
    {
        if (h == UInt128.Zero)
            h = UInt128.One; // zero marks an empty slot
        if (_count >= _capacity / 4 * 3)
            Grow();
        if (!Insert(_slots, _capacity, h))
            return false;
        _count++;
        return true;
    }

    /// <summary>Asks for the cache line where <paramref name="h"/> would be inserted (a hint; never changes the set).</summary>
    public void Prefetch(UInt128 h)
    {
        if (Sse.IsSupported)
            Sse.Prefetch0(_slots + ((int)(ulong)(h == UInt128.Zero ? UInt128.One : h) & (_capacity - 1)));
    }

    private static bool Insert(UInt128* slots, int capacity, UInt128 h)
    {
        var mask = capacity - 1;
        var i = (int)(ulong)h & mask;
        while (true)
        {
            var s = slots[i];
            if (s == UInt128.Zero)
            {
                slots[i] = h;
                return true;
            }
            if (s == h)
                return false;
            i = (i + 1) & mask;
        }
    }

    private void Grow()
    {
        var old = _slots;
        var oldCapacity = _capacity;
        _slots = Allocate(_capacity = oldCapacity * 2);
        for (var i = 0; i < oldCapacity; i++)
        {
            if (old[i] != UInt128.Zero)
                Insert(_slots, _capacity, old[i]);
        }
        NativeMemory.AlignedFree(old);
    }

    private static UInt128* Allocate(int capacity)
    {
        var bytes = (nuint)capacity * (nuint)sizeof(UInt128);
        var alignment = bytes >= HugePage ? HugePage : 64;
        var p = NativeMemory.AlignedAlloc(bytes, alignment);
        if (bytes >= HugePage && OperatingSystem.IsLinux())
            _ = Madvise(p, bytes, 14); // MADV_HUGEPAGE: a hint; failure only costs speed
        NativeMemory.Clear(p, bytes);
        return (UInt128*)p;
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(void* address, nuint length, int advice);

    private void Free()
    {
        if (_slots is null)
            return;
        NativeMemory.AlignedFree(_slots);
        _slots = null;
    }

    /// <summary>
    /// Grows the table once so <paramref name="more"/> further ids fit below the fill limit. Seeding from <see cref="WriteTo"/> needs
    /// it: the hashes come in slot order, i.e. sorted by their low bits, and inserted into a smaller table they would pile into one
    /// long probe run (measured: 45 s instead of well under a second for 2.7M ids).
    /// </summary>
    public void Reserve(int more)
    {
        var needed = (long)_count + more;
        var capacity = _capacity;
        while (needed >= capacity / 4 * 3)
            capacity *= 2;
        if (capacity == _capacity)
            return;
        var old = _slots;
        var oldCapacity = _capacity;
        _slots = Allocate(_capacity = capacity);
        for (var i = 0; i < oldCapacity; i++)
        {
            if (old[i] != UInt128.Zero)
                Insert(_slots, _capacity, old[i]);
        }
        NativeMemory.AlignedFree(old);
    }

    /// <summary>Writes the set's hashes (count, then the hashes in slot order) so a later load can seed a set with them.</summary>
    public void WriteTo(Events.SnapshotWriter writer)
    {
        writer.Long(_count);
        var buffer = new UInt128[1 << 14];
        var n = 0;
        for (var i = 0; i < _capacity; i++)
        {
            if (_slots[i] == UInt128.Zero)
                continue;
            buffer[n++] = _slots[i];
            if (n == buffer.Length)
            {
                writer.Bytes(MemoryMarshal.AsBytes(buffer.AsSpan()));
                n = 0;
            }
        }
        writer.Bytes(MemoryMarshal.AsBytes(buffer.AsSpan(0, n)));
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>XxHash128 of the id's UTF-16 bytes: a standard, well-tested 128-bit hash (one fixed seed).</summary>
    internal static UInt128 Hash(ReadOnlySpan<char> id) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(id));
}
