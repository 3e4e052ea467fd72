namespace Pql.Core.Events;

/// <summary>
/// Fast, strict ISO 8601 parsing to Unix milliseconds (UTC), without allocation. Accepts
/// <c>YYYY-MM-DD</c> (00:00 UTC), <c>YYYY-MM-DDTHH:MM[:SS[.fraction]]</c> with <c>T</c> or a space,
/// and an optional <c>Z</c> or <c>±HH:MM</c>/<c>±HHMM</c>/<c>±HH</c> offset; no offset means UTC.
/// </summary>
public static class Timestamps
{
    public static bool TryParseIso(ReadOnlySpan<char> s, out long unixMs)
    {
        unixMs = 0;
        s = s.Trim();
        if (s.Length == 20 && TryParseUtcSeconds(s, out unixMs))
            return true;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-')
            return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day))
            return false;
        if (month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month))
            return false;
        int hour = 0, minute = 0, second = 0;
        long ms = 0;
        var i = 10;
        if (i < s.Length && (s[i] == 'T' || s[i] == ' ' || s[i] == 't'))
        {
            if (s.Length < i + 6 || !Digits(s, i + 1, 2, out hour) || s[i + 3] != ':' || !Digits(s, i + 4, 2, out minute))
                return false;
            i += 6;
            if (i < s.Length && s[i] == ':')
            {
                if (!Digits(s, i + 1, 2, out second))
                    return false;
                i += 3;
                if (i < s.Length && (s[i] == '.' || s[i] == ','))
                {
                    i++;
                    var start = i;
                    long scale = 100;
                    while (i < s.Length && (uint)(s[i] - '0') <= 9)
                    {
                        ms += (s[i] - '0') * scale;
                        scale /= 10;
                        i++;
                    }
                    if (i == start)
                        return false;
                }
            }
            if (hour > 23 || minute > 59 || second > 60)
                return false;
        }
        long offsetMinutes = 0;
        if (i < s.Length)
        {
            var c = s[i];
            if (c is 'Z' or 'z')
            {
                i++;
            }
            else if (c is '+' or '-')
            {
                if (!Digits(s, i + 1, 2, out var oh))
                    return false;
                var om = 0;
                var j = i + 3;
                if (j < s.Length && s[j] == ':')
                    j++;
                if (j < s.Length)
                {
                    if (!Digits(s, j, 2, out om))
                        return false;
                    j += 2;
                }
                if (oh > 18 || om > 59)
                    return false;
                offsetMinutes = (c == '-' ? -1 : 1) * (oh * 60L + om);
                i = j;
            }
            if (i != s.Length)
                return false;
        }
        var days = DaysFromCivil(year, month, day);
        unixMs = ((days * 24L + hour) * 60 + minute - offsetMinutes) * 60_000L + second * 1000L + ms;
        return true;
    }

    /// <summary>
    /// The common export shape <c>YYYY-MM-DDTHH:MM:SSZ</c> in one pass without the general parser's branches (a load spends a
    /// large share of its parsing on timestamps); false for anything else, which the general parser then reads. Same checks.
    /// </summary>
    private static bool TryParseUtcSeconds(ReadOnlySpan<char> s, out long unixMs)
    {
        unixMs = 0;
        if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
            return false;
        uint bad = 0;
        var year = (int)(D(s[0], ref bad) * 1000 + D(s[1], ref bad) * 100 + D(s[2], ref bad) * 10 + D(s[3], ref bad));
        var month = (int)(D(s[5], ref bad) * 10 + D(s[6], ref bad));
        var day = (int)(D(s[8], ref bad) * 10 + D(s[9], ref bad));
        var hour = (int)(D(s[11], ref bad) * 10 + D(s[12], ref bad));
        var minute = (int)(D(s[14], ref bad) * 10 + D(s[15], ref bad));
        var second = (int)(D(s[17], ref bad) * 10 + D(s[18], ref bad));
        if (bad != 0 || month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
            return false;
        unixMs = ((DaysFromCivil(year, month, day) * 24L + hour) * 60 + minute) * 60_000L + second * 1000L;
        return true;
    }

    /// <summary>The digit's value; a non-digit sets <paramref name="bad"/> (checked once for all digits).</summary>
    private static uint D(char c, ref uint bad)
    {
        var d = (uint)(c - '0');
        bad |= d > 9 ? 1u : 0u;
        return d;
    }

    /// <summary>Formats Unix milliseconds as ISO 8601 UTC (seconds precision unless milliseconds are set).</summary>
    public static string Format(long unixMs)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;
        return t.Millisecond == 0
            ? t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
            return false;
        for (var k = start; k < start + count; k++)
        {
            var d = (uint)(s[k] - '0');
            if (d > 9)
                return false;
            value = value * 10 + (int)d;
        }
        return true;
    }

    private static int DaysInMonth(int year, int month) =>
        month == 2 ? (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28)
        : month is 4 or 6 or 9 or 11 ? 30 : 31;

    /// <summary>Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).</summary>
    private static long DaysFromCivil(int y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yoe = y - era * 400;
        var doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        var doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097L + doe - 719468;
    }
}
