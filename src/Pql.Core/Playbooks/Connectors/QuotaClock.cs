using System.Globalization;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>When a vendor's used-up quota comes back: reset headers where the vendor sends them, else the window's documented end.</summary>
internal static class QuotaClock
{
    /// <summary>Time until the next midnight in <paramref name="timeZoneId"/> (Marketo's daily quota resets at 12:00 AM US Central).</summary>
    public static TimeSpan UntilMidnight(DateTimeOffset now, string timeZoneId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = new DateTime(local.Year, local.Month, local.Day, 0, 0, 0, DateTimeKind.Unspecified).AddDays(1);
        var next = new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
        return next - now;
    }

    /// <summary>Time until the top of the next hour (UTC).</summary>
    public static TimeSpan UntilNextHour(DateTimeOffset now)
    {
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        return hour - now;
    }

    /// <summary>
    /// The wait a reset header states: Unix seconds or milliseconds (a large number), or seconds from now (a small one), or an
    /// HTTP date. Null when absent or unreadable.
    /// </summary>
    public static TimeSpan? FromResetHeader(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            var at = n switch
            {
                > 1e12 => DateTimeOffset.FromUnixTimeMilliseconds((long)n),
                > 1e9 => DateTimeOffset.FromUnixTimeSeconds((long)n),
                _ => now.AddSeconds(n),
            };
            return at > now ? at - now : TimeSpan.Zero;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return date > now ? date - now : TimeSpan.Zero;
        return null;
    }
}
