namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    public async Task QueueGoalFiringsAsync(IReadOnlyList<TriggerFiring> firings, IReadOnlyList<OutboxAction> actions, Actor actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(firings);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await InsertFiringsAsync(c, tx, firings, cancellationToken).ConfigureAwait(false);
        await InsertActionsAsync(c, tx, actions, cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, actor, "goal_trigger", SqliteStateStore.GoalFiringsDetail(firings, actions), cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
