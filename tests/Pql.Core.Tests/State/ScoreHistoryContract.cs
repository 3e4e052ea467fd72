using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="IScoreHistory"/> must do, whatever holds it.</summary>
public abstract class ScoreHistoryContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    [ServerFact]
    public async Task RecordRun_round_trips_rows_drivers_attributes_and_a_missing_value_as_nan()
    {
        var row = Some.Row("acme", 0.75, "high_touch", new Dictionary<string, string> { ["owner"] = "005X" },
            new Driver("activity.events_7d", 12, 0.21), new Driver("firmo.employees", double.NaN, 0.1));

        await Record("run-1", [Firing("run-1", "acme")], [], row);
        var loaded = (await Store.LoadRunAsync("run-1"))!;

        var r = Assert.Single(loaded.Rows);
        Assert.Equal(0.75, r.Score, 12);
        Assert.Equal("005X", r.Attributes["owner"]);
        Assert.Equal(new Driver("activity.events_7d", 12, 0.21), r.Drivers[0]);
        Assert.True(double.IsNaN(r.Drivers[1].Value));
        Assert.Null(await Store.LoadRunAsync("no-such-run"));
        Assert.Equal("run-1", Assert.Single(await Store.RunsAsync("conversion")).RunId);
    }

    [ServerFact]
    public async Task RecordRun_hands_the_plan_each_entitys_row_from_the_latest_run_that_scored_it()
    {
        await Record("run-1", null, null, Some.Row("a", 0.1, "nurture"), Some.Row("b", 0.2, "nurture"));
        await Record("run-2", null, null, Some.Row("a", 0.8, "high_touch"));
        IReadOnlyDictionary<string, EntityScore>? seen = null;

        await Store.RecordRunAsync("conversion", previous =>
        {
            seen = previous;
            return new RunRecording(Some.Run("run-3"), [], []);
        }, Alice);

        Assert.Equal(0.8, seen!["a"].Score, 12);
        Assert.Equal(0.2, seen["b"].Score, 12);
        Assert.Equal(0.8, (await Store.LatestScoresAsync("conversion"))["a"].Score, 12);
        Assert.Equal(["run-1", "run-2", "run-3"], (await Store.RunsAsync("conversion")).Select(r => r.RunId));
    }

    [ServerFact]
    public async Task RecordEntitiesRun_hands_the_plan_the_latest_row_of_the_listed_entities_of_the_goal_only()
    {
        await Record("run-1", null, null, Some.Row("a", 0.1, "nurture"), Some.Row("b", 0.2, "nurture"), Some.Row("c", 0.3, "nurture"));
        await Record("run-2", null, null, Some.Row("a", 0.8, "high_touch"));
        await Store.RecordRunAsync("churn", _ => new RunRecording(Some.Run("churn-1", Some.Row("a", 0.5, "watch")) with { Goal = "churn" }, [], []), Alice);
        IReadOnlyDictionary<string, EntityScore>? seen = null;

        await Store.RecordEntitiesRunAsync("conversion", ["a", "b", "never-scored"], previous =>
        {
            seen = previous;
            return new RunRecording(Some.Run("run-3", Some.Row("a", 0.9, "high_touch")), [], []);
        }, Alice);

        Assert.Equal(["a", "b"], seen!.Keys.Order());
        Assert.Equal(0.8, seen["a"].Score, 12); // the goal's latest run that scored it, not the later run of another goal
        Assert.Equal("high_touch", seen["a"].Tier);
        Assert.Equal(0.2, seen["b"].Score, 12);
        Assert.Equal(0.9, (await Store.LatestScoresAsync("conversion"))["a"].Score, 12);
        Assert.Equal(["run-1", "run-2", "run-3"], (await Store.RunsAsync("conversion")).Select(r => r.RunId));
    }

    [ServerFact]
    public async Task RecordRun_that_fails_midway_leaves_no_run_no_firing_and_no_action()
    {
        var action = Some.Action("hook", "post", "{}", id: "dup");
        await Record("run-1", null, [action], Some.Row("a", 0.1, "nurture"));

        await Assert.ThrowsAnyAsync<Exception>(() =>
            Record("run-2", [Firing("run-2", "a")], [action with { RunId = "run-2" }], Some.Row("a", 0.9, "high_touch")));

        Assert.Single(await Store.RunsAsync("conversion"));
        Assert.Empty(await Store.TriggerLogAsync("conversion"));
        Assert.Single(await Store.OutboxAsync());
        Assert.Equal(0.1, (await Store.LatestScoresAsync("conversion"))["a"].Score, 12);
    }

    [ServerFact]
    public async Task RecordRun_from_two_connections_at_once_is_serialized_so_the_second_sees_the_first_as_previous()
    {
        var stores = new[] { Store, Open() };
        var seen = new int[2];

        await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(() => stores[i].RecordRunAsync("conversion", previous =>
        {
            seen[i] = previous.Count;
            Thread.Sleep(200);   // hold the lock long enough that an unserialized store would let the other read too
            return new RunRecording(Some.Run($"run-{i}", Some.Row("acme", 0.9, "high_touch")), [], []);
        }, Alice, CancellationToken.None))));

        Assert.Equal([0, 1], seen.Order());
        Assert.Equal(2, (await Store.RunsAsync("conversion")).Count);
    }

    [ServerFact]
    public async Task RecordRun_refuses_a_plan_for_another_goal_and_records_who_ran_it()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordRunAsync("churn", _ => new RunRecording(Some.Run("run-x"), [], []), Alice));
        await Record("run-1", null, null, Some.Row("a", 0.1, "nurture"));

        var audit = Assert.Single(await Store.AuditAsync());
        Assert.Equal("user:alice", audit.Actor);
        Assert.Equal("score_run", audit.Action);
        Assert.Empty(await Store.RunsAsync("churn"));
    }
}
