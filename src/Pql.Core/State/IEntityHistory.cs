using Pql.Core.Scoring;

namespace Pql.Core.State;

/// <summary>One entity's row in one run, with when the run scored it.</summary>
public sealed record EntityScorePoint(string RunId, long AsOfMs, long CreatedMs, string ModelVersion, EntityScore Row);

/// <summary>
/// One entity's history across runs, for the server's entity pages: its scores, the triggers that fired for it and the actions
/// queued for it. Reads only; the rows are written by <see cref="IScoreHistory.RecordRunAsync"/>.
/// </summary>
public interface IEntityHistory
{
    /// <summary>The entity's rows for a goal, oldest first, at most <paramref name="limit"/> (the latest ones).</summary>
    Task<IReadOnlyList<EntityScorePoint>> EntityScoresAsync(string goal, string entityId, int limit = 200, CancellationToken cancellationToken = default);

    /// <summary>The triggers that fired for the entity, newest first.</summary>
    Task<IReadOnlyList<TriggerFiring>> EntityFiringsAsync(string goal, string entityId, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>The actions queued for the entity with their delivery state, newest first.</summary>
    Task<IReadOnlyList<OutboxAction>> EntityActionsAsync(string goal, string entityId, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>The latest firings of every goal, newest first.</summary>
    Task<IReadOnlyList<TriggerFiring>> RecentFiringsAsync(int limit = 100, CancellationToken cancellationToken = default);
}
