using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Client-side throttles at each vendor's documented rate, one per vendor account (keyed by kind and base URL or token), shared by
/// every connector of the process that talks to it: the vendor counts the account's calls, not ours per connector.
/// </summary>
internal static class Throttles
{
    private static readonly ConcurrentDictionary<string, RateLimiter> s_limiters = new(StringComparer.Ordinal);

    /// <summary>At most <paramref name="permits"/> calls per <paramref name="window"/> (a sliding window); callers queue.</summary>
    public static RateLimiter PerWindow(string key, int permits, TimeSpan window) =>
        s_limiters.GetOrAdd($"window:{permits}/{window.TotalSeconds}:{key}", _ => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = window, SegmentsPerWindow = 4, QueueLimit = int.MaxValue, AutoReplenishment = true,
        }));

    /// <summary>At most <paramref name="permits"/> calls in flight at once; callers queue.</summary>
    public static RateLimiter Concurrent(string key, int permits) =>
        s_limiters.GetOrAdd($"concurrent:{permits}:{key}", _ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = permits, QueueLimit = int.MaxValue,
        }));
}
