using System.Globalization;
using System.Text;

namespace Pql.Core.Demo;

/// <summary>
/// A growable UTF-8 byte buffer that formats numbers, ids and timestamps in place, so writing
/// millions of CSV rows allocates no per-row strings. One buffer per chunk; reused across chunks.
/// </summary>
internal sealed class Utf8Buffer(int capacity = 1 << 16)
{
    private byte[] _bytes = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + count));
        return _bytes.AsSpan(Length);
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    /// <summary>Replaces already written bytes at <paramref name="offset"/>.</summary>
    public void Overwrite(int offset, ReadOnlySpan<byte> bytes) => bytes.CopyTo(_bytes.AsSpan(offset, bytes.Length));

    /// <summary>Appends a copy of bytes already in the buffer (a row written again).</summary>
    public void Repeat(int start, int length)
    {
        Reserve(length);
        _bytes.AsSpan(start, length).CopyTo(_bytes.AsSpan(Length));
        Length += length;
    }

    public void Append(byte b)
    {
        Reserve(1)[0] = b;
        Length++;
    }

    /// <summary>Appends ASCII/UTF-8 text (for rare, non-hot values).</summary>
    public void Append(string text)
    {
        var span = Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        Length += Encoding.UTF8.GetBytes(text, span);
    }

    public void Append(long value)
    {
        var span = Reserve(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        Length += written;
    }

    /// <summary>Appends an id such as <c>a123</c> or <c>u123_4</c>: a prefix, a number and an optional suffix number.</summary>
    public void AppendId(byte prefix, long number, int suffix = -1)
    {
        Append(prefix);
        Append(number);
        if (suffix >= 0)
        {
            Append((byte)'_');
            Append(suffix);
        }
    }

    /// <summary>Appends <paramref name="unixMs"/> as ISO 8601 UTC with seconds, e.g. <c>2026-03-01T14:05:33Z</c>.</summary>
    public void AppendTimestamp(long unixMs)
    {
        var days = Math.DivRem(unixMs, 86_400_000L, out var msOfDay);
        if (msOfDay < 0)
        {
            days--;
            msOfDay += 86_400_000L;
        }
        var (y, m, d) = CivilFromDays(days);
        var secs = (int)(msOfDay / 1000);
        var s = Reserve(20);
        Write4(s, y);
        s[4] = (byte)'-';
        Write2(s[5..], m);
        s[7] = (byte)'-';
        Write2(s[8..], d);
        s[10] = (byte)'T';
        Write2(s[11..], secs / 3600);
        s[13] = (byte)':';
        Write2(s[14..], secs / 60 % 60);
        s[16] = (byte)':';
        Write2(s[17..], secs % 60);
        s[19] = (byte)'Z';
        Length += 20;
    }

    private static void Write2(Span<byte> s, int v)
    {
        s[0] = (byte)('0' + v / 10);
        s[1] = (byte)('0' + v % 10);
    }

    private static void Write4(Span<byte> s, int v)
    {
        Write2(s, v / 100);
        Write2(s[2..], v % 100);
    }

    /// <summary>Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).</summary>
    private static (int Year, int Month, int Day) CivilFromDays(long z)
    {
        z += 719468;
        var era = (z >= 0 ? z : z - 146096) / 146097;
        var doe = z - era * 146097;
        var yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        var y = yoe + era * 400;
        var doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        var mp = (5 * doy + 2) / 153;
        var d = doy - (153 * mp + 2) / 5 + 1;
        var m = mp < 10 ? mp + 3 : mp - 9;
        return ((int)(y + (m <= 2 ? 1 : 0)), (int)m, (int)d);
    }
}
