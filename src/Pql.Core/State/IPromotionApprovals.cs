namespace Pql.Core.State;

/// <summary>
/// Promotions that wait for approval. The identity that asked (the one that trained the version) can never approve it;
/// approval makes the version current in the same transaction, and both steps go to the audit trail.
/// </summary>
public interface IPromotionApprovals
{
    /// <summary>Records that a registered version waits for approval (replacing an earlier request for the same version).</summary>
    Task RequestPromotionAsync(string goal, string version, string reason, Actor requestedBy, CancellationToken cancellationToken = default);

    /// <summary>The goal's versions still waiting, oldest first.</summary>
    Task<IReadOnlyList<PendingPromotion>> PendingPromotionsAsync(string goal, CancellationToken cancellationToken = default);

    /// <summary>
    /// Approves a waiting version and makes it current. Throws <see cref="InvalidOperationException"/> when nothing waits
    /// for that version or when <paramref name="approver"/> is the identity that requested it.
    /// </summary>
    Task ApprovePromotionAsync(string goal, string version, Actor approver, CancellationToken cancellationToken = default);
}
