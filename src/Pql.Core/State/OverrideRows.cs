namespace Pql.Core.State;

/// <summary>What both stores share about overrides: checks, stored names, audit wording and the latest-per-entity rule.</summary>
internal static class OverrideRows
{
    public static void Check(OverrideChange change, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.EntityIds.Count == 0)
            throw new ArgumentException("an override names at least one entity", nameof(change));
        if (change.ExpiresMs <= nowMs)
            throw new ArgumentException("an override's expiry must be in the future", nameof(change));
        ArgumentException.ThrowIfNullOrWhiteSpace(change.Reason);
    }

    public static void CheckApproval(string goal, long batch, string requestedBy, long expiresMs, Actor approver, long nowMs)
    {
        if (expiresMs <= nowMs)
            throw new InvalidOperationException($"goal '{goal}' override batch {batch} expired before it was approved");
        if (requestedBy == approver.ToString())
            throw new InvalidOperationException($"{approver} requested override batch {batch} of goal '{goal}' and cannot approve it; another person must");
    }

    public static string StatusName(OverrideStatus status) => status switch
    {
        OverrideStatus.Active => "active",
        OverrideStatus.Pending => "pending",
        _ => "cleared",
    };

    public static OverrideStatus ParseStatus(string text) => text switch
    {
        "active" => OverrideStatus.Active,
        "pending" => OverrideStatus.Pending,
        _ => OverrideStatus.Cleared,
    };

    public static string Describe(long batch, OverrideChange change, string? approvalReason)
    {
        var first = string.Join(", ", change.EntityIds.Take(5)) + (change.EntityIds.Count > 5 ? $" and {change.EntityIds.Count - 5} more" : "");
        var effect = change.Tier is null ? "suppressed" : "tier " + change.Tier;
        var until = DateTimeOffset.FromUnixTimeMilliseconds(change.ExpiresMs).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        return $"goal {change.Goal} override batch {batch}: {effect} for {first} until {until}: {change.Reason}"
            + (approvalReason is null ? "" : $" (waits for approval: {approvalReason})");
    }

    /// <summary>Rows ordered by batch: a later batch for the same entity replaces an earlier one.</summary>
    public static IReadOnlyDictionary<string, EntityOverride> LatestPerEntity(List<EntityOverride> rows)
    {
        var latest = new Dictionary<string, EntityOverride>(StringComparer.Ordinal);
        foreach (var row in rows)
            latest[row.EntityId] = row;
        return latest;
    }
}
