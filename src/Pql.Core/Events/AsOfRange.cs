using Pql.Core.Workspace;

namespace Pql.Core.Events;

/// <summary>
/// Checks an explicit as-of against the loaded events. Before the first event nothing can be scored or trained:
/// an input error. After the last event the data may simply be stale (a score run on yesterday's export is
/// normal), so a gap up to <see cref="StaleAfterMs"/> is silent and a longer one is a warning: every entity's
/// recency features then grow with the gap and inactivity goals fire for everyone.
/// </summary>
public static class AsOfRange
{
    /// <summary>A gap after the last event beyond which the as-of draws a warning.</summary>
    public const long StaleAfterMs = 7 * Duration.MsPerDay;

    /// <summary>Throws when <paramref name="asOfMs"/> is before the first event; returns a warning line when it is long after the last, else null.</summary>
    public static string? Check(EventStore store, long asOfMs)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.EventCount == 0)
            throw new PqlInputException("no events were loaded, so there is nothing to train or score");
        if (asOfMs < store.MinTime)
        {
            throw new PqlInputException(
                $"--as-of {Timestamps.Format(asOfMs)} is before the first event ({Timestamps.Format(store.MinTime)}); the events run {Timestamps.Format(store.MinTime)} to {Timestamps.Format(store.MaxTime)}");
        }
        var gap = asOfMs - store.MaxTime;
        return gap > StaleAfterMs
            ? $"warning: --as-of {Timestamps.Format(asOfMs)} is {Duration.Format(gap)} after the last event ({Timestamps.Format(store.MaxTime)}); recency features and inactivity goals will treat every entity as idle since then"
            : null;
    }
}
