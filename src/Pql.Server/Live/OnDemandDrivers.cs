using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Server.Live;

/// <summary>
/// Drivers when someone asks: the rescorer explains (TreeSHAP) only the entities whose triggers fire, so a live row can have no
/// drivers; the entity API explains such a row when it is read, with the model that scored it, from the live store at the row's
/// as-of (the same features, since they only read events up to it).
/// </summary>
public static class OnDemandDrivers
{
    public static async Task<EntityScorePoint> WithDriversAsync(WorkspaceEngine engine, GoalDefinition goal, EntityScorePoint point, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(point);
        if (point.Row.Drivers.Count > 0 || engine.Load is not { } load)
            return point;
        var model = await engine.WithStateAsync(s => s.CurrentModelAsync(goal.Name, ct), ct).ConfigureAwait(false);
        if (model is null || model.Version != point.ModelVersion || !File.Exists(model.ArtifactPath))
            return point;
        var options = new ScoreOptions
        {
            ModelPath = model.ArtifactPath,
            AsOfMs = point.AsOfMs,
            Threads = 1,
            Entities = new HashSet<string>(StringComparer.Ordinal) { point.Row.EntityId },
        };
        var run = await Task.Run(() => WorkspaceScorer.Score(engine.Config, load, goal, options), ct).ConfigureAwait(false);
        return run.Rows.Count == 1 ? point with { Row = point.Row with { Drivers = run.Rows[0].Drivers } } : point;
    }
}
