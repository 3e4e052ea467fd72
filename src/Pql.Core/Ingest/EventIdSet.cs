using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Pql.Core.Ingest;

/// <summary>
/// Remembers event ids by a 128-bit hash instead of the strings, so deduplicating tens of millions of
/// events costs about 16-32 bytes each. The hash is XxHash128 (System.IO.Hashing), whose 128 output bits pass
/// SMHasher's collision tests, so for n ids an accidental collision (which would drop a real event as a duplicate)
/// has odds about n^2 / 2^129: below 10^-24 for 10^8 events. Open addressing with linear probing: one array, no per-entry objects.
/// </summary>
internal sealed class EventIdSet
{
    private UInt128[] _slots = new UInt128[1 << 16];
    private int _count;

    public int Count => _count;

    /// <summary>True when the id was new.</summary>
    public bool Add(ReadOnlySpan<char> id)
    {
        var h = Hash(id);
        if (h == UInt128.Zero)
            h = UInt128.One; // zero marks an empty slot
        if (_count * 2 >= _slots.Length)
            Grow();
        return Insert(_slots, h);
    }

    private bool Insert(UInt128[] slots, UInt128 h)
    {
        var mask = slots.Length - 1;
        var i = (int)(ulong)h & mask;
        while (true)
        {
            var s = slots[i];
            if (s == UInt128.Zero)
            {
                slots[i] = h;
                _count++;
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
        _slots = new UInt128[old.Length * 2];
        _count = 0;
        foreach (var h in old)
        {
            if (h != UInt128.Zero)
                Insert(_slots, h);
        }
    }

    /// <summary>XxHash128 of the id's UTF-16 bytes: a standard, well-tested 128-bit hash (one fixed seed).</summary>
    internal static UInt128 Hash(ReadOnlySpan<char> id) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(id));
}
