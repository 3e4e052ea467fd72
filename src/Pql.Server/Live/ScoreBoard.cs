using System.Collections.Concurrent;
using Pql.Core.Governance;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;

namespace Pql.Server.Live;

/// <summary>An entity's latest score for a goal and its change since the day before.</summary>
public sealed record BoardRow(string EntityId, double Score, string Tier, double? Change, IReadOnlyList<Driver> Drivers, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Owner => Attributes.GetValueOrDefault("owner");
    public string? Segment => Attributes.GetValueOrDefault("segment");

    /// <summary>A person's override in force (<c>tier assisted</c> or <c>suppressed</c>), or null: the tier is the model's.</summary>
    public string? Override => Attributes.GetValueOrDefault(TierOverrides.Override);

    /// <summary>The tier the model gave when an override replaced it.</summary>
    public string? ModelTier => Attributes.GetValueOrDefault(TierOverrides.ModelTier);

    /// <summary>The account health index (0-100, <see cref="HealthIndex"/>) for account goals; null for user goals.</summary>
    public int? Health { get; init; }
}

/// <summary>
/// Every entity's latest row per goal, kept in memory and refreshed at most every <see cref="MaxAge"/> (or at once after the
/// rescorer records), so listing 100,000 accounts filters and pages an array instead of reading the state file per request.
/// "Change" compares with the entity's row from the latest run created at least a day before the newest one. Overrides in force are
/// applied on every refresh (<see cref="TierOverrides"/>), so a new one shows at once and an expired one lapses without a rescoring;
/// account rows carry the health index.
/// </summary>
public sealed class ScoreBoard(WorkspaceEngine engine)
{
    private readonly ConcurrentDictionary<string, (long At, BoardRow[] Rows)> _cache = new(StringComparer.Ordinal);

    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(5);

    public void Invalidate() => _cache.Clear();

    public async Task<BoardRow[]> RowsAsync(string goal, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (_cache.TryGetValue(goal, out var hit) && now - hit.At < MaxAge.TotalMilliseconds)
            return hit.Rows;
        var rows = await engine.WithStateAsync(async state =>
        {
            var latest = await state.LatestScoresAsync(goal, ct).ConfigureAwait(false);
            var overrides = await state.ActiveOverridesAsync(goal, ct).ConfigureAwait(false);
            var health = engine.Config.Goal(goal).Entity == Pql.Core.Workspace.EntityKind.Account
                ? await Pql.Core.Application.ReportService.HealthAsync(engine.Config, state, ct).ConfigureAwait(false)
                : null;
            var runs = await state.RunsAsync(goal, ct).ConfigureAwait(false);
            Dictionary<string, EntityScore>? before = null;
            if (runs.Count > 0)
            {
                var cutoff = runs[^1].CreatedMs - 86_400_000L;
                var old = runs.LastOrDefault(r => r.CreatedMs <= cutoff);
                if (old is not null && await state.LoadRunAsync(old.RunId, ct).ConfigureAwait(false) is { } run)
                    before = run.Rows.ToDictionary(r => r.EntityId, StringComparer.Ordinal);
            }
            var list = new BoardRow[latest.Count];
            var i = 0;
            foreach (var (id, stored) in latest)
            {
                var row = TierOverrides.Apply(stored, overrides.GetValueOrDefault(id));
                double? change = before is not null && before.TryGetValue(id, out var b) ? row.Score - b.Score : null;
                list[i++] = new BoardRow(id, row.Score, row.Tier, change, row.Drivers, row.Attributes)
                {
                    Health = health is not null && health.TryGetValue(id, out var h) ? h.Index : null,
                };
            }
            Array.Sort(list, (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.EntityId, b.EntityId));
            return list;
        }, ct).ConfigureAwait(false);
        _cache[goal] = (now, rows);
        return rows;
    }
}
