using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="IPromotionApprovals"/> must do: a waiting version needs a second identity, and approval promotes it.</summary>
public abstract class PromotionApprovalsContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    private static readonly Actor s_bob = Actor.Named("bob");

    private static ModelRecord Model(string version, long created) => new("conversion", version, "gbdt", $"models/{version}.json", "{}", created);

    [ServerFact]
    public async Task The_identity_that_trained_a_waiting_version_cannot_approve_it_and_another_one_promotes_it()
    {
        await Store.RegisterModelAsync(Model("v1", 1), Alice);
        await Store.RegisterModelAsync(Model("v2", 2), Alice, makeCurrent: false);
        await Store.RequestPromotionAsync("conversion", "v2", "metric fell 0.02", Alice);

        var own = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ApprovePromotionAsync("conversion", "v2", Alice));
        Assert.Contains("cannot approve", own.Message, StringComparison.Ordinal);
        Assert.Equal("v1", (await Store.CurrentModelAsync("conversion"))!.Version);
        Assert.Equal("v2", Assert.Single(await Store.PendingPromotionsAsync("conversion")).Version);

        await Open().ApprovePromotionAsync("conversion", "v2", s_bob);

        Assert.Equal("v2", (await Store.CurrentModelAsync("conversion"))!.Version);
        Assert.Empty(await Store.PendingPromotionsAsync("conversion"));
        var audit = await Store.AuditAsync(3);
        Assert.Equal(["model_current", "promotion_approved", "promotion_pending"], audit.Select(a => a.Action));
        Assert.Equal("user:bob", audit[1].Actor);
    }

    [ServerFact]
    public async Task Approving_a_version_that_does_not_wait_or_requesting_an_unknown_one_fails_and_changes_nothing()
    {
        await Store.RegisterModelAsync(Model("v1", 1), Alice);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ApprovePromotionAsync("conversion", "v1", s_bob));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.RequestPromotionAsync("conversion", "v9", "why", Alice));

        Assert.Empty(await Store.PendingPromotionsAsync("conversion"));
        Assert.Equal("v1", (await Store.CurrentModelAsync("conversion"))!.Version);
    }

    [ServerFact]
    public async Task A_pending_promotion_and_its_audit_entry_are_written_in_one_transaction()
    {
        await Store.RegisterModelAsync(Model("v1", 1), Alice);
        await Store.RegisterModelAsync(Model("v2", 2), Alice, makeCurrent: false);
        var before = await Store.AuditTrailAsync();
        Factory.RefuseAuditAction("promotion_pending");   // the second write of the request fails

        await Assert.ThrowsAnyAsync<Exception>(() => Store.RequestPromotionAsync("conversion", "v2", "metric fell 0.02", Alice));

        Assert.Empty(await Store.PendingPromotionsAsync("conversion"));   // the first write was rolled back with it
        var after = await Store.AuditTrailAsync();
        Assert.Equal(before.Entries.Select(e => e.Hash), after.Entries.Select(e => e.Hash));
        Assert.Equal(before.LastIssuedId, after.LastIssuedId);
        Assert.True(Pql.Core.Governance.AuditVerifier.Verify(after).Intact);
        await Store.AppendAuditAsync(new AuditEntry(Now, "user:lead", "note", "the chain goes on"));
        Assert.True(Pql.Core.Governance.AuditVerifier.Verify(await Store.AuditTrailAsync()).Intact);
    }
}
