using Pql.Core.Scoring;

namespace Pql.Core.Playbooks;

/// <summary>How one driver's contribution moved between two scorings of an entity.</summary>
public sealed record DriverMove(string Feature, double OldContribution, double NewContribution, double OldValue, double NewValue)
{
    public double Delta => NewContribution - OldContribution;
}

/// <summary>An entity's change between two runs; Old* are null when it was not scored before, New* when it is no longer scored.</summary>
public sealed record EntityChange(string EntityId, double? OldScore, double? NewScore, string? OldTier, string? NewTier, IReadOnlyList<DriverMove> MovedDrivers)
{
    public double ScoreDelta => (NewScore ?? 0) - (OldScore ?? 0);
    public bool TierChanged => OldTier != NewTier;
}

/// <summary>Compares scorings: score change, tier change and the drivers whose contribution moved most.</summary>
public static class ScoreDiff
{
    /// <summary>Drivers of the two scorings ordered by how far their contribution moved (largest first), ties by name; zero moves dropped.</summary>
    public static IReadOnlyList<DriverMove> MovedDrivers(EntityScore? before, EntityScore? after, int top = 3)
    {
        var moves = new Dictionary<string, (double OldC, double NewC, double OldV, double NewV)>(StringComparer.Ordinal);
        if (before is not null)
        {
            foreach (var d in before.Drivers)
                moves[d.Feature] = (d.Contribution, 0, d.Value, 0);
        }
        if (after is not null)
        {
            foreach (var d in after.Drivers)
            {
                var m = moves.TryGetValue(d.Feature, out var x) ? x : (0, 0, 0, 0);
                moves[d.Feature] = (m.OldC, d.Contribution, m.OldV, d.Value);
            }
        }
        return moves
            .Select(p => new DriverMove(p.Key, p.Value.OldC, p.Value.NewC, p.Value.OldV, p.Value.NewV))
            .Where(m => Math.Abs(m.Delta) > 1e-12)
            .OrderByDescending(m => Math.Abs(m.Delta)).ThenBy(m => m.Feature, StringComparer.Ordinal)
            .Take(top)
            .ToList();
    }

    public static EntityChange Change(string entityId, EntityScore? before, EntityScore? after, int top = 3) =>
        new(entityId, before?.Score, after?.Score, before?.Tier, after?.Tier, MovedDrivers(before, after, top));

    /// <summary>
    /// Every entity in either run: first those scored in both, by the size of their score change (largest first), then
    /// newly scored ones, then those no longer scored (converted or no longer eligible); ties by id.
    /// </summary>
    public static IReadOnlyList<EntityChange> Compare(ScoreRun from, ScoreRun to, int topDrivers = 3)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var old = from.Rows.ToDictionary(r => r.EntityId, StringComparer.Ordinal);
        var now = to.Rows.ToDictionary(r => r.EntityId, StringComparer.Ordinal);
        var ids = old.Keys.Union(now.Keys, StringComparer.Ordinal);
        return ids
            .Select(id => Change(id, old.GetValueOrDefault(id), now.GetValueOrDefault(id), topDrivers))
            .OrderBy(c => c.OldScore is null ? 1 : c.NewScore is null ? 2 : 0)
            .ThenByDescending(c => Math.Abs(c.ScoreDelta)).ThenBy(c => c.EntityId, StringComparer.Ordinal)
            .ToList();
    }
}
