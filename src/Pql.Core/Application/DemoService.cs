using System.Diagnostics;
using System.Globalization;
using Pql.Core.Demo;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>What <c>pql demo</c> asks for: the folder to write the generated world to, and its size and seed.</summary>
public sealed record DemoRequest(string Workspace) : UseCaseRequest(Workspace)
{
    private static readonly WorldOptions s_defaults = new();

    public int Accounts { get; init; } = s_defaults.Accounts;
    public int Days { get; init; } = s_defaults.Days;
    public long Seed { get; init; } = s_defaults.Seed;

    /// <summary>The generator's defaults, for option help.</summary>
    public static WorldOptions Defaults => s_defaults;
}

/// <summary>
/// One goal of the demo: the kept model and its held-out metrics, what the multi-product features add over activity alone,
/// the tier counts (by tier name) and the highest-scored entities.
/// </summary>
public sealed record DemoGoal(GoalDefinition Goal, string KeptModel, double RocAuc, double PrAuc, double LiftTopDecile,
    BaselineComparison Baseline, IReadOnlyList<KeyValuePair<string, int>> Tiers, IReadOnlyList<EntityScore> Top);

public sealed record DemoResult(string Directory, WorldResult World, string LoadSummary, IReadOnlyList<DemoGoal> Goals,
    string ScoresDirectory, string ModelsDirectory, TimeSpan Elapsed);

/// <summary><c>pql demo</c>: generate a multi-product SaaS world, then train and score every goal in it.</summary>
public static class DemoService
{
    /// <summary>How many top entities per goal the result keeps.</summary>
    public const int TopCount = 5;

    public static async Task<DemoResult> RunAsync(DemoRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var dir = request.Workspace;
        DemoTarget.Prepare(dir, clearState: true);
        var world = WorldGenerator.Generate(new WorldOptions
        {
            Accounts = request.Accounts,
            Days = request.Days,
            Seed = request.Seed,
            OutputDirectory = dir,
        }, cancellationToken: cancellationToken);
        Log.Progress(request.Log, string.Create(CultureInfo.InvariantCulture, $"generated {world.Accounts:N0} accounts, {world.EventRows:N0} event rows in {dir}"));
        using var session = WorkspaceSession.Open(dir, log: request.Log);
        var goals = new List<DemoGoal>();
        foreach (var goal in session.Config.Goals)
            goals.Add(await TrainAndScoreAsync(session, request, goal, cancellationToken).ConfigureAwait(false));
        return new DemoResult(Path.GetFullPath(dir), world, session.Load.Report.Summary(), goals,
            Path.Combine(dir, "scores"), Path.Combine(dir, ".pql", "models"), clock.Elapsed);
    }

    private static async Task<DemoGoal> TrainAndScoreAsync(WorkspaceSession session, DemoRequest request, GoalDefinition goal, CancellationToken cancellationToken)
    {
        var dir = request.Workspace;
        var training = await new TrainService().TrainAsync(session, new TrainRequest(dir)
        {
            Goal = goal.Name,
            CompareWithActivityOnly = true,
            By = request.By,
            Log = request.Log,
        }, cancellationToken).ConfigureAwait(false);
        var trained = training.Failed.Count == 0 ? training.Trained[0] : throw new PqlInputException(training.Failed[0].Problem);
        var run = (await new ScoreService().ScoreAsync(session, new ScoreRequest(dir, goal.Name)
        {
            OutputCsv = Path.Combine(dir, "scores", goal.Name + ".csv"),
            By = request.By,
            Log = request.Log,
        }, cancellationToken).ConfigureAwait(false)).Run;
        var best = trained.Result.Candidates.First(c => ReferenceEquals(c.Model, trained.Result.Best)).Metrics;
        var tiers = run.Rows.GroupBy(r => r.Tier).OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => KeyValuePair.Create(t.Key, t.Count())).ToList();
        return new DemoGoal(goal, trained.Result.Best.Kind, best.RocAuc, best.PrAuc, best.LiftTopDecile, trained.Baseline!, tiers,
            [.. run.Rows.Take(TopCount)]);
    }
}
