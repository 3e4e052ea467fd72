using System.Globalization;

namespace Pql.Core.Workspace;

/// <summary>Parses the contract's durations: <c>Nd</c> (days) or <c>Nh</c> (hours).</summary>
public static class Duration
{
    public const long MsPerHour = 3_600_000L;
    public const long MsPerDay = 86_400_000L;

    /// <summary>Returns the duration in milliseconds, or null when the text is not <c>Nd</c>/<c>Nh</c> with N &gt; 0.</summary>
    public static long? TryParseMs(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
            return null;
        var unit = char.ToLowerInvariant(text[^1]);
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            return null;
        return unit switch
        {
            'd' => n * MsPerDay,
            'h' => n * MsPerHour,
            _ => null,
        };
    }

    public static string Format(long ms) =>
        ms % MsPerDay == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{ms / MsPerDay}d")
            : string.Create(CultureInfo.InvariantCulture, $"{ms / MsPerHour}h");
}
