namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    public async Task QueueGoalFiringsAsync(IReadOnlyList<TriggerFiring> firings, IReadOnlyList<OutboxAction> actions, Actor actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(firings);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(actor);
        using var tx = BeginWrite();
        InsertFirings(tx, firings);
        InsertActions(tx, actions);
        InsertAudit(tx, actor, "goal_trigger", GoalFiringsDetail(firings, actions));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string GoalFiringsDetail(IReadOnlyList<TriggerFiring> firings, IReadOnlyList<OutboxAction> actions) =>
        $"{string.Join(", ", firings.Select(f => $"{f.Trigger} on goal {f.Goal} ({f.RunId})"))}: {actions.Count} actions";
}
