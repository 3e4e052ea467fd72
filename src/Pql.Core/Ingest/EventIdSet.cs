using System.Numerics;
using System.Runtime.InteropServices;

namespace Pql.Core.Ingest;

/// <summary>
/// Remembers event ids by a 128-bit hash instead of the strings, so deduplicating tens of millions of
/// events costs about 16-32 bytes each. Two independent 64-bit lanes make an accidental collision negligible
/// (about n^2 / 2^129). Open addressing with linear probing: one array, no per-entry objects.
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

    internal static UInt128 Hash(ReadOnlySpan<char> id)
    {
        var bytes = MemoryMarshal.AsBytes(id);
        ulong a = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length, b = 0xC2B2AE3D27D4EB4FUL + (ulong)bytes.Length;
        var i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            var w = MemoryMarshal.Read<ulong>(bytes[i..]);
            a = BitOperations.RotateLeft((a ^ w) * 0xFF51AFD7ED558CCDUL, 31);
            b = BitOperations.RotateLeft((b + w) * 0xC4CEB9FE1A85EC53UL, 29) ^ a;
        }
        ulong tail = 0;
        for (var k = 0; i < bytes.Length; i++, k += 8)
            tail |= (ulong)bytes[i] << k;
        a = Mix(a ^ tail);
        b = Mix(b + tail * 0x9E3779B97F4A7C15UL);
        return new UInt128(a, b);
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }
}
