namespace Pql.Core.State;

/// <summary>Trigger log: why each trigger fired for each entity. Written with its run by <see cref="IScoreHistory.RecordRunAsync"/>.</summary>
public interface ITriggerLog
{
    /// <summary>Firings of a goal (of one run when <paramref name="runId"/> is given), in the order they were written.</summary>
    Task<IReadOnlyList<TriggerFiring>> TriggerLogAsync(string goal, string? runId = null, CancellationToken cancellationToken = default);
}
