using System.Collections.Concurrent;
using Pql.Core.Scoring;

namespace Pql.Server.Live;

/// <summary>An entity's latest score for a goal and its change since the day before.</summary>
public sealed record BoardRow(string EntityId, double Score, string Tier, double? Change, IReadOnlyList<Driver> Drivers, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Owner => Attributes.GetValueOrDefault("owner");
    public string? Segment => Attributes.GetValueOrDefault("segment");
}

/// <summary>
/// Every entity's latest row per goal, kept in memory and refreshed at most every <see cref="MaxAge"/> (or at once after the
/// rescorer records), so listing 100,000 accounts filters and pages an array instead of reading the state file per request.
/// "Change" compares with the entity's row from the latest run created at least a day before the newest one.
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
            foreach (var (id, row) in latest)
            {
                double? change = before is not null && before.TryGetValue(id, out var b) ? row.Score - b.Score : null;
                list[i++] = new BoardRow(id, row.Score, row.Tier, change, row.Drivers, row.Attributes);
            }
            Array.Sort(list, (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.EntityId, b.EntityId));
            return list;
        }, ct).ConfigureAwait(false);
        _cache[goal] = (now, rows);
        return rows;
    }
}
