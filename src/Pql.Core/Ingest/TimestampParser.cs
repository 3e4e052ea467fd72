using System.Globalization;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>Parses one timestamp cell in a source's declared format.</summary>
internal static class TimestampParser
{
    public static bool TryParse(ReadOnlySpan<char> text, TimestampFormat format, out long unixMs)
    {
        if (format == TimestampFormat.Iso)
            return Timestamps.TryParseIso(text, out unixMs);
        unixMs = 0;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            return false;
        var ms = format == TimestampFormat.UnixSeconds ? v * 1000 : v;
        if (ms is < -62_135_596_800_000d or > 253_402_300_799_000d)
            return false;
        unixMs = (long)Math.Round(ms);
        return true;
    }

    public static string Expectation(TimestampFormat format) => format switch
    {
        TimestampFormat.UnixSeconds => "is not a Unix timestamp in seconds",
        TimestampFormat.UnixMillis => "is not a Unix timestamp in milliseconds",
        _ => "is not ISO 8601 (e.g. 2026-03-01T12:00:00Z)",
    };
}
