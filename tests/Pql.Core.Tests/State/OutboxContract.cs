using Pql.Core.State;
using Pql.Core.Tests.Playbooks;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="IOutbox"/> must do: leases, lease-holder-only writes, deferral, paused connectors.</summary>
public abstract class OutboxContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private Task Queue(params OutboxAction[] actions) => Record("run-1", null, actions);

    private OutboxAction Due(string id, string connector = "hook", long delayMs = 0) =>
        Some.Action(connector, "post", "{}", id: id) with { NextAttemptMs = Now + delayMs };

    [ServerFact]
    public async Task Claim_leases_due_actions_oldest_first_and_another_owner_gets_none_of_them_while_leased()
    {
        await Queue(Due("x2", delayMs: -10), Due("x1", delayMs: -20), Due("later", delayMs: 60_000));

        var mine = await Store.ClaimDueAsync("d1", Now, Lease, 10);
        var theirs = await Open().ClaimDueAsync("d2", Now, Lease, 10);

        Assert.Equal(["x1", "x2"], mine.Select(a => a.ActionId));
        Assert.All(mine, a => Assert.Equal(("d1", Now + (long)Lease.TotalMilliseconds), (a.LeaseOwner, a.LeaseUntilMs!.Value)));
        Assert.Empty(theirs);
        Assert.Equal(Now + 60_000, await Store.NextClaimableMsAsync());
    }

    [ServerFact]
    public async Task Claim_respects_the_limit()
    {
        await Queue(Due("x1"), Due("x2"), Due("x3"));

        Assert.Equal(2, (await Store.ClaimDueAsync("d1", Now, Lease, 2)).Count);
        Assert.Equal("x3", Assert.Single(await Store.ClaimDueAsync("d2", Now, Lease, 2)).ActionId);
    }

    [ServerFact]
    public async Task An_expired_lease_is_claimable_again_and_the_old_holder_can_no_longer_complete()
    {
        await Queue(Due("x1"));
        await Store.ClaimDueAsync("crashed", Now, Lease, 10);
        Clock.Advance(Lease);

        var again = await Open().ClaimDueAsync("d2", Now, Lease, 10);
        var stale = await Store.MarkDeliveredAsync("x1", "crashed", 1, Now);
        var fresh = await Store.MarkDeliveredAsync("x1", "d2", 1, Now);

        Assert.Equal("x1", Assert.Single(again).ActionId);
        Assert.False(stale);
        Assert.True(fresh);
        var delivered = Assert.Single(await Store.OutboxAsync(OutboxStatus.Delivered));
        Assert.Equal("d2", delivered.LeaseOwner);
        Assert.Null(delivered.LeaseUntilMs);
    }

    [ServerFact]
    public async Task Only_the_lease_holder_may_complete_defer_or_reschedule()
    {
        await Queue(Due("x1"));
        Assert.False(await Store.MarkDeadAsync("x1", "d1", 1, "not claimed yet"));
        await Store.ClaimDueAsync("d1", Now, Lease, 10);

        Assert.False(await Store.MarkDeliveredAsync("x1", "intruder", 1, Now));
        Assert.False(await Store.MarkRetryAsync("x1", "intruder", 1, Now, "503"));
        Assert.False(await Store.MarkDeadAsync("x1", "intruder", 1, "400"));
        Assert.False(await Store.MarkFailedAsync("x1", "intruder", 1, "401"));
        Assert.False(await Store.DeferAsync("x1", "intruder", Now + 1, "quota"));
        Assert.False(await Store.MarkDeliveredAsync("missing", "d1", 1, Now));

        var pending = Assert.Single(await Store.OutboxAsync(OutboxStatus.Pending));
        Assert.Equal(0, pending.Attempts);
    }

    [ServerFact]
    public async Task Retry_releases_the_lease_until_the_next_attempt_and_keeps_the_first_attempt_time()
    {
        await Queue(Due("x1"));
        await Store.ClaimDueAsync("d1", Now, Lease, 10);
        var first = Now;

        Assert.True(await Store.MarkRetryAsync("x1", "d1", 1, Now + 2_000, "HTTP 503"));
        Assert.Empty(await Store.ClaimDueAsync("d1", Now, Lease, 10));
        Assert.Equal(Now + 2_000, await Store.NextClaimableMsAsync());
        Clock.Advance(TimeSpan.FromSeconds(2));
        await Store.ClaimDueAsync("d1", Now, Lease, 10);
        Assert.True(await Store.MarkDeadAsync("x1", "d1", 2, "HTTP 400"));

        var dead = Assert.Single(await Store.OutboxAsync(OutboxStatus.Dead));
        Assert.Equal((2, "HTTP 400", first), (dead.Attempts, dead.LastError, dead.FirstAttemptMs!.Value));
        Assert.Null(await Store.NextClaimableMsAsync());
    }

    [ServerFact]
    public async Task Defer_postpones_without_spending_an_attempt()
    {
        await Queue(Due("x1"));
        await Store.ClaimDueAsync("d1", Now, Lease, 10);

        Assert.True(await Store.DeferAsync("x1", "d1", Now + 3_600_000, "daily quota used up"));

        Assert.Empty(await Store.ClaimDueAsync("d1", Now + 3_599_999, Lease, 10));
        var back = Assert.Single(await Store.ClaimDueAsync("d1", Now + 3_600_000, Lease, 10));
        Assert.Equal((0, "daily quota used up"), (back.Attempts, back.LastError));
        Assert.Null(back.FirstAttemptMs);
    }

    [ServerFact]
    public async Task A_paused_connectors_actions_are_not_claimed_until_it_is_resumed()
    {
        await Queue(Due("h1", "hubspot"), Due("w1", "hook"));

        await Store.PauseConnectorAsync("hubspot", "vendor incident", Alice);
        var claimed = await Store.ClaimDueAsync("d1", Now, Lease, 10);
        var paused = Assert.Single(await Store.PausedConnectorsAsync());
        var nextWhilePaused = await Store.NextClaimableMsAsync();
        var resumed = await Store.ResumeConnectorAsync("hubspot", Alice);
        var resumedTwice = await Store.ResumeConnectorAsync("hubspot", Alice);

        Assert.Equal("w1", Assert.Single(claimed).ActionId);
        Assert.Equal(("hubspot", "vendor incident", Alice), (paused.Connector, paused.Reason, paused.PausedBy));
        Assert.Equal(Now + (long)Lease.TotalMilliseconds, nextWhilePaused);   // only w1, when its lease ends
        Assert.True(resumed);
        Assert.False(resumedTwice);
        Assert.Equal("h1", Assert.Single(await Store.ClaimDueAsync("d1", Now, Lease, 10)).ActionId);
        Assert.Contains(await Store.AuditAsync(), a => a.Action == "connector_paused" && a.Actor == "user:alice");
    }

    [ServerFact]
    public async Task RetryDead_puts_dead_and_failed_back_with_fresh_attempts_and_resumes_paused_connectors()
    {
        await Queue(Due("x1"), Due("x2"), Due("x3"));
        await Store.ClaimDueAsync("d1", Now, Lease, 10);
        await Store.MarkDeadAsync("x1", "d1", 8, "gave up");
        await Store.MarkFailedAsync("x2", "d1", 1, "401");
        await Store.MarkDeliveredAsync("x3", "d1", 1, Now);
        await Store.PauseConnectorAsync("hook", "token expired", Alice);

        var count = await Store.RetryDeadAsync(Now, Alice);

        Assert.Equal(2, count);
        Assert.Empty(await Store.PausedConnectorsAsync());
        var counts = await Store.OutboxCountsAsync();
        Assert.Equal((2, 1, 0, 0), (counts[OutboxStatus.Pending], counts[OutboxStatus.Delivered], counts[OutboxStatus.Dead], counts[OutboxStatus.Failed]));
        var again = await Store.ClaimDueAsync("d2", Now, Lease, 10);
        Assert.Equal(["x1", "x2"], again.Select(a => a.ActionId));
        Assert.All(again, a => Assert.Equal(0, a.Attempts));
    }

    [ServerFact]
    public async Task Dispatchers_claiming_at_once_from_separate_connections_each_get_distinct_actions()
    {
        await Queue([.. Enumerable.Range(0, 60).Select(i => Due($"x{i:D2}"))]);
        var stores = new[] { Store, Open(), Open() };
        var claims = new List<string>[3];

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
        {
            claims[i] = [];
            IReadOnlyList<OutboxAction> batch;
            while ((batch = await stores[i].ClaimDueAsync($"d{i}", Now, Lease, 4)).Count > 0)
                claims[i].AddRange(batch.Select(a => a.ActionId));
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Distinct().Count());
    }

    [ServerFact]
    public async Task Goal_firings_queue_their_actions_with_the_firing_and_an_audit_entry_once()
    {
        var firing = new TriggerFiring("drift-1", "conversion", "conversion", "drifted", "alert", "2 features drifted", "{}", Now);
        var action = Some.Action("hook", "post", "{}", id: "d0000000000000000000000000000001") with { RunId = "drift-1", NextAttemptMs = Now };

        await Store.QueueGoalFiringsAsync([firing], [action], Alice);
        await Assert.ThrowsAnyAsync<Exception>(() => Store.QueueGoalFiringsAsync([firing], [action], Alice));

        Assert.Equal(["d0000000000000000000000000000001"], (await Store.ClaimDueAsync("d1", Now, Lease, 10)).Select(a => a.ActionId));
        Assert.Equal("2 features drifted", Assert.Single(await Store.TriggerLogAsync("conversion", "drift-1")).Reason);
        Assert.Contains(await Store.AuditAsync(10), e => e.Action == "goal_trigger" && e.Detail.Contains("drifted on goal conversion", StringComparison.Ordinal));
    }
}
