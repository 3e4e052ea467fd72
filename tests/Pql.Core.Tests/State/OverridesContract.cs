using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="IOverrides"/> must do: overrides take effect or wait for a second identity, lapse at their expiry, and are audited.</summary>
public abstract class OverridesContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    private static readonly Actor s_bob = Actor.Named("bob");

    private OverrideChange Change(string? tier, TimeSpan lasts, params string[] ids) =>
        new("conversion", ids, tier, "met them at the summit", Now + (long)lasts.TotalMilliseconds);

    [ServerFact]
    public async Task An_override_is_in_force_until_its_expiry_and_then_lapses_on_its_own()
    {
        await Store.SetOverridesAsync(Change("high_touch", TimeSpan.FromDays(7), "a1", "a2"), null, Alice);
        await Store.SetOverridesAsync(Change(null, TimeSpan.FromDays(1), "a2"), null, Alice);

        var active = await Open().ActiveOverridesAsync("conversion");
        Assert.Equal("high_touch", active["a1"].Tier);
        Assert.True(active["a2"].Suppressed);   // the later batch replaces the earlier one for a2
        Assert.Equal("user:alice", active["a1"].CreatedBy);
        Assert.Empty(await Store.ActiveOverridesAsync("expansion"));

        Clock.Advance(TimeSpan.FromDays(2));
        active = await Store.ActiveOverridesAsync("conversion");
        Assert.Equal(["a1", "a2"], active.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("high_touch", active["a2"].Tier);   // the suppression lapsed; the week-long override is back in force

        Clock.Advance(TimeSpan.FromDays(6));
        Assert.Empty(await Store.ActiveOverridesAsync("conversion"));
        var audit = await Store.AuditAsync(2);
        Assert.All(audit, a => Assert.Equal("override_set", a.Action));
        Assert.Contains("suppressed for a2", audit[0].Detail, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task A_waiting_batch_is_not_in_force_its_author_cannot_approve_it_and_another_identity_can()
    {
        var batch = await Store.SetOverridesAsync(Change("high_touch", TimeSpan.FromDays(7), "a1", "a2", "a3"), "moves 2 tiers", Alice);

        Assert.Empty(await Store.ActiveOverridesAsync("conversion"));
        var pending = await Store.PendingOverridesAsync("conversion");
        Assert.Equal(["a1", "a2", "a3"], pending.Select(p => p.EntityId));
        Assert.All(pending, p => Assert.Equal(("moves 2 tiers", batch), (p.ApprovalReason!, p.Batch)));

        var own = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ApproveOverridesAsync("conversion", batch, Alice));
        Assert.Contains("cannot approve", own.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ApproveOverridesAsync("expansion", batch, s_bob));

        await Open().ApproveOverridesAsync("conversion", batch, s_bob);

        var active = await Store.ActiveOverridesAsync("conversion");
        Assert.Equal(3, active.Count);
        Assert.Equal("user:bob", active["a3"].ApprovedBy);
        Assert.Empty(await Store.PendingOverridesAsync("conversion"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ApproveOverridesAsync("conversion", batch, s_bob));
        Assert.Equal(["override_approved", "override_pending"], (await Store.AuditAsync(2)).Select(a => a.Action));
    }

    [ServerFact]
    public async Task A_waiting_batch_that_expired_cannot_be_approved_and_clearing_ends_one_entity_only()
    {
        var waiting = await Store.SetOverridesAsync(Change("assisted", TimeSpan.FromHours(1), "a9"), "20 entities at once", Alice);
        await Store.SetOverridesAsync(Change("assisted", TimeSpan.FromDays(3), "a1", "a2"), null, Alice);
        Clock.Advance(TimeSpan.FromHours(2));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ApproveOverridesAsync("conversion", waiting, s_bob));
        Assert.Empty(await Store.PendingOverridesAsync("conversion"));

        Assert.Equal(1, await Store.ClearOverridesAsync("conversion", "a1", s_bob));
        Assert.Equal(0, await Store.ClearOverridesAsync("conversion", "a1", s_bob));
        Assert.Equal(["a2"], (await Store.ActiveOverridesAsync("conversion")).Keys);
        Assert.Equal("override_cleared", (await Store.AuditAsync(1))[0].Action);
    }

    [ServerFact]
    public async Task An_override_without_entities_or_already_expired_is_refused_and_nothing_is_stored()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetOverridesAsync(Change("assisted", TimeSpan.FromDays(1)), null, Alice));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetOverridesAsync(Change("assisted", TimeSpan.FromDays(-1), "a1"), null, Alice));
        Assert.Empty(await Store.ActiveOverridesAsync("conversion"));
        Assert.Empty(await Store.AuditAsync(5));
    }
}
