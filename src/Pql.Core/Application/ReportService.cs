using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;
using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.Governance;
using Pql.Core.Labels;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record ReportRequest(string Workspace, string Goal) : UseCaseRequest(Workspace)
{
    /// <summary>Where to write the HTML; none when null.</summary>
    public string? OutputHtml { get; init; }

    /// <summary>How many of the latest runs to measure (realized or estimated). Default 12.</summary>
    public int Runs { get; init; } = 12;
}

/// <summary>
/// Treated against control for one playbook, over the goal's runs: how many fired firings were acted on (treated) or held out (control),
/// the actions the outbox holds for them, whether the held-out share is within binomial bounds of the configured share, and the lift
/// on the firings whose horizon has passed.
/// </summary>
public sealed record PlaybookComparison(string Playbook, int Treated, int Control, int Suppressed, int OutboxEntities, double ConfiguredHoldout,
    double HoldoutShare, int ShareLow, int ShareHigh, LiftEstimate Lift)
{
    public bool HoldoutWithinBounds => Control >= ShareLow && Control <= ShareHigh;
}

/// <summary>How many entities went from one tier to another between the two latest runs ("(new)" and "(gone)" for entities in one run only).</summary>
public sealed record TierFlow(string PreviousRunId, string LatestRunId, IReadOnlyList<string> Tiers, IReadOnlyDictionary<(string From, string To), int> Counts);

/// <summary>Everything the lift report shows for one goal.</summary>
public sealed record ReportData(
    GoalDefinition Goal,
    long GeneratedMs,
    long DataEndMs,
    IReadOnlyList<RunPerformanceReport> Performance,
    RunPerformanceReport? Evaluated,
    IReadOnlyList<PlaybookComparison> Playbooks,
    TierFlow? Flow,
    IReadOnlyDictionary<FeedbackKind, int> Feedback,
    int OverridesInForce,
    IReadOnlyList<AccountHealth> Health,
    ReportDrift Drift);

/// <summary>
/// The report's drift section: the goal's drift at the latest event against its current version's training snapshot (the measure of
/// <c>pql drift</c>, <see cref="DriftService.MeasureAsync"/>), or why there is none (no trained version, no snapshot).
/// </summary>
public sealed record ReportDrift(DriftReport? Report, string? Unavailable)
{
    /// <summary>How many features each group shows, largest distance first (the score is always shown beside them).</summary>
    public const int TopPerGroup = 12;

    /// <summary>The first <see cref="TopPerGroup"/> names, largest distance first, and how many more there are.</summary>
    public static string Names(IReadOnlyList<string> drifted)
    {
        ArgumentNullException.ThrowIfNull(drifted);
        return string.Join(", ", drifted.Take(TopPerGroup)) + (drifted.Count > TopPerGroup ? $" and {drifted.Count - TopPerGroup} more" : "");
    }

    /// <summary>The group's features with the largest distances, at most <see cref="TopPerGroup"/>.</summary>
    public static IReadOnlyList<FeatureDrift> Top(DriftGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return [.. group.Features.OrderByDescending(f => f.Distance).ThenBy(f => f.Feature, StringComparer.Ordinal).Take(TopPerGroup)];
    }
}

/// <summary>
/// <c>pql report --goal G</c>: realized and estimated performance of the goal's runs, achievement per tier, treated against control per
/// playbook with 95% intervals, lift curve, calibration, tier flow, feedback counts and the account health index, as data
/// (<see cref="ReportData"/>) and as one self-contained HTML file (<see cref="ReportHtml"/>).
/// </summary>
public sealed class ReportService(TimeProvider? time = null)
{
    /// <summary>z for the two-sided 99.9% binomial bounds on the held-out count.</summary>
    public const double HoldoutBoundsZ = 3.2905267314919255;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<ReportData> ReportAsync(ReportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, log: request.Log);
        var data = await BuildAsync(session, request, cancellationToken).ConfigureAwait(false);
        if (request.OutputHtml is { } path)
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, ReportHtml.Render(data), cancellationToken).ConfigureAwait(false);
        }
        return data;
    }

    public Task<ReportData> BuildAsync(WorkspaceSession session, ReportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return BuildAsync(session.Config, session.Load, session.State, request, cancellationToken);
    }

    /// <summary>The same on a loaded store and an open state (the server keeps both).</summary>
    public async Task<ReportData> BuildAsync(WorkspaceConfig config, LoadResult load, IStateStore state, ReportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(load);
        var store = load.Store;
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var goal = config.Goal(request.Goal);
        var labeler = new GoalLabeler(store, goal);
        var summaries = await state.RunsAsync(goal.Name, cancellationToken).ConfigureAwait(false);
        var runs = new List<ScoreRun>();
        foreach (var s in summaries.Skip(Math.Max(0, summaries.Count - Math.Max(1, request.Runs))))
        {
            if (await state.LoadRunAsync(s.RunId, cancellationToken).ConfigureAwait(false) is { } run)
                runs.Add(run);
        }
        Log.Progress(request.Log, $"{goal.Name}: measuring {runs.Count} run(s)");
        var performance = runs.Select(r => RunPerformance.Measure(r, goal, store, labeler)).ToList();
        var evaluated = performance.LastOrDefault(p => !p.Estimated) ?? performance.LastOrDefault();
        var playbooks = await CompareAsync(config, store, state, goal, runs, labeler, cancellationToken).ConfigureAwait(false);
        var feedback = (await state.FeedbackAsync(goal.Name, cancellationToken).ConfigureAwait(false))
            .GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count());
        var overrides = (await state.ActiveOverridesAsync(goal.Name, cancellationToken).ConfigureAwait(false)).Count;
        var health = await HealthAsync(config, state, cancellationToken).ConfigureAwait(false);
        var drift = await DriftAsync(config, load, state, goal, request.Log, cancellationToken).ConfigureAwait(false);
        return new ReportData(goal, _time.GetUtcNow().ToUnixTimeMilliseconds(), store.MaxTime, performance, evaluated, playbooks,
            runs.Count >= 2 ? Flow(runs[^2], runs[^1], TierPolicy.Parse(config, goal.Name).TierNames) : null,
            feedback, overrides, [.. health.Values.OrderBy(h => h.Index).ThenBy(h => h.AccountId, StringComparer.Ordinal)], drift);
    }

    /// <summary>Drift at the latest event against the current version's snapshot; a goal not trained yet (or trained before snapshots) says why instead.</summary>
    private static async Task<ReportDrift> DriftAsync(WorkspaceConfig config, LoadResult load, IModelRegistry registry, GoalDefinition goal,
        ILogger log, CancellationToken cancellationToken)
    {
        try
        {
            var report = await DriftService.MeasureAsync(config, load, registry, goal, asOfMs: null, DriftAnalyzer.DefaultThreshold, log, cancellationToken)
                .ConfigureAwait(false);
            return new ReportDrift(report, null);
        }
        catch (PqlInputException e)
        {
            // The rest of the report stands without drift; the section names what is missing and how to get it.
            return new ReportDrift(null, e.Message);
        }
    }

    /// <summary>The health index of every account from the latest scores of every account goal.</summary>
    public static async Task<IReadOnlyDictionary<string, AccountHealth>> HealthAsync(WorkspaceConfig config, IScoreHistory history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(history);
        var goals = new List<(GoalDefinition, IReadOnlyDictionary<string, EntityScore>)>();
        foreach (var g in config.Goals.Where(g => g.Entity == EntityKind.Account))
            goals.Add((g, await history.LatestScoresAsync(g.Name, cancellationToken).ConfigureAwait(false)));
        return HealthIndex.Compute(goals);
    }

    private static async Task<List<PlaybookComparison>> CompareAsync(WorkspaceConfig workspace, EventStore store, IStateStore state, GoalDefinition goal,
        List<ScoreRun> runs, GoalLabeler labeler, CancellationToken cancellationToken)
    {
        var config = PlaybookConfig.Parse(workspace);
        var firings = await state.TriggerLogAsync(goal.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var outbox = (await state.OutboxAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Where(a => a.Goal == goal.Name).ToList();
        var runById = runs.ToDictionary(r => r.RunId, StringComparer.Ordinal);
        var ids = goal.Entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var list = new List<PlaybookComparison>();
        foreach (var group in firings.Where(f => runById.ContainsKey(f.RunId)).GroupBy(f => f.Playbook).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // One entity counts once per run and playbook, whichever of the playbook's triggers fired for it.
            var seen = new HashSet<(string, string)>();
            int treated = 0, control = 0, suppressed = 0, tx = 0, tn = 0, cx = 0, cn = 0;
            foreach (var f in group)
            {
                if (!seen.Add((f.RunId, f.EntityId)))
                    continue;
                var data = JsonNode.Parse(f.DataJson)?.AsObject();
                var heldOut = (bool?)data?["held_out"] == true;
                if ((bool?)data?["suppressed"] == true && !heldOut)
                {
                    suppressed++;
                    continue;
                }
                if (heldOut)
                    control++;
                else
                    treated++;
                var run = runById[f.RunId];
                if (run.AsOfMs + goal.HorizonMs > store.MaxTime)
                    continue;   // outcome not known yet
                var entity = ids.Find(f.EntityId);
                var achieved = entity >= 0 && labeler.Label(entity, run.AsOfMs) == 1;
                if (heldOut)
                    (cn, cx) = (cn + 1, cx + (achieved ? 1 : 0));
                else
                    (tn, tx) = (tn + 1, tx + (achieved ? 1 : 0));
            }
            var share = config.Holdouts.GetValueOrDefault(group.Key);
            var n = treated + control;
            var sd = Math.Sqrt(n * share * (1 - share));
            var outboxEntities = outbox.Where(a => a.Playbook == group.Key && runById.ContainsKey(a.RunId)).Select(a => (a.RunId, a.EntityId)).Distinct().Count();
            list.Add(new PlaybookComparison(group.Key, treated, control, suppressed, outboxEntities, share, n == 0 ? double.NaN : (double)control / n,
                (int)Math.Max(0, Math.Ceiling(n * share - HoldoutBoundsZ * sd)), (int)Math.Floor(n * share + HoldoutBoundsZ * sd),
                LiftEstimate.FromCounts(tx, tn, cx, cn)));
        }
        return list;
    }

    private static TierFlow Flow(ScoreRun previous, ScoreRun latest, IReadOnlyList<string> tiers)
    {
        const string New = "(new)", Gone = "(gone)";
        var before = previous.Rows.ToDictionary(r => r.EntityId, r => r.Tier, StringComparer.Ordinal);
        var counts = new Dictionary<(string, string), int>();
        foreach (var row in latest.Rows)
        {
            var key = (before.Remove(row.EntityId, out var from) ? from : New, row.Tier);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        foreach (var (_, tier) in before)
            counts[(tier, Gone)] = counts.GetValueOrDefault((tier, Gone)) + 1;
        return new TierFlow(previous.RunId, latest.RunId, [.. tiers, New, Gone], counts);
    }
}
