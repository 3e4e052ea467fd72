using Pql.Core.Playbooks;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record DiffRequest(string Workspace, string Goal) : UseCaseRequest(Workspace)
{
    /// <summary>The older run; default the one before <see cref="ToRun"/>.</summary>
    public string? FromRun { get; init; }
    /// <summary>The newer run; default the latest.</summary>
    public string? ToRun { get; init; }
}

public sealed record DiffResult(ScoreRun From, ScoreRun To, IReadOnlyList<EntityChange> Changes);

/// <summary>Per entity, the score and tier change and the drivers that moved most between two stored runs of a goal.</summary>
public static class DiffService
{
    public static async Task<DiffResult> DiffAsync(DiffRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, loadData: false);
        var goal = session.Config.Goal(request.Goal).Name;
        var runs = await session.State.RunsAsync(goal, cancellationToken).ConfigureAwait(false);
        var toId = request.ToRun ?? (runs.Count > 0 ? runs[^1].RunId : null);
        var fromId = request.FromRun ?? Previous(runs, toId);
        if (toId is null || fromId is null)
            throw new PqlInputException($"goal '{goal}' has {runs.Count} stored run(s); diff needs two (run 'pql act' again, or pass --from and --to)");
        var older = Check(await session.State.LoadRunAsync(fromId, cancellationToken).ConfigureAwait(false), fromId, goal, "--from");
        var newer = Check(await session.State.LoadRunAsync(toId, cancellationToken).ConfigureAwait(false), toId, goal, "--to");
        return new DiffResult(older, newer, ScoreDiff.Compare(older, newer));
    }

    private static string? Previous(IReadOnlyList<RunSummary> runs, string? toId)
    {
        for (var i = runs.Count - 1; i > 0; i--)
        {
            if (runs[i].RunId == toId)
                return runs[i - 1].RunId;
        }
        return null;
    }

    private static ScoreRun Check(ScoreRun? stored, string id, string goal, string option)
    {
        var run = stored ?? throw new PqlInputException($"{option}: no stored run '{id}'; 'pql outbox' and the trigger log name the run ids");
        return run.Goal == goal ? run : throw new PqlInputException($"{option}: run '{id}' scored goal '{run.Goal}', not '{goal}'");
    }
}
