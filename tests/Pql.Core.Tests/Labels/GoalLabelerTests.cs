using Pql.Core.Events;
using Pql.Core.Labels;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Labels;

public sealed class GoalLabelerTests
{
    private const long Day = Duration.MsPerDay;
    private static readonly Dictionary<string, string> s_none = [];

    /// <summary>Accounts a, b, c created on day 0; events given as (account, day, name, plan property or null).</summary>
    private static EventStore Store(params (string Account, double Day, string Name, string? Plan)[] events)
    {
        var b = new EventStoreBuilder();
        foreach (var a in new[] { "a", "b", "c" })
            b.AddAccount(a, 0);
        b.AddUser("ua", 0, 0);
        b.AddUser("ub", 1, 5 * Day);
        foreach (var (account, day, name, plan) in events)
        {
            var user = account == "a" ? "ua" : account == "b" ? "ub" : null;
            var i = b.AddEvent(account, user, (long)(day * Day), name, "p");
            if (plan is not null)
                b.AddProperty(i, "plan", plan);
        }
        return b.Build();
    }

    private static GoalDefinition Goal(GoalCondition condition, int horizonDays = 10, EntityKind entity = EntityKind.Account) =>
        new("g", entity, condition, horizonDays * Day, 1);

    [Fact]
    public void Event_goal_labels_only_the_window_after_the_cutoff()
    {
        var store = Store(("a", 1, "login", null), ("a", 12, "paid", null), ("b", 25, "paid", null), ("c", 3, "paid", null));
        var labeler = new GoalLabeler(store, Goal(new EventCondition("paid", s_none)));

        // At day 5: a achieves on day 12 (inside (5, 15]) -> 1; b on day 25 -> 0; c achieved on day 3 -> not eligible.
        Assert.Equal([0, 1], labeler.EligibleAt(5 * Day));
        Assert.Equal(1, labeler.Label(0, 5 * Day));
        Assert.Equal(0, labeler.Label(1, 5 * Day));
        // Exactly at T + horizon counts; exactly at T does not (eligibility already excludes it).
        Assert.Equal(1, labeler.Label(0, 2 * Day));
        Assert.False(labeler.IsEligible(0, 12 * Day));
    }

    [Fact]
    public void Event_goal_with_where_matches_the_property()
    {
        var store = Store(("a", 2, "seats_added", "free"), ("a", 4, "seats_added", "paid"), ("b", 3, "seats_added", null));
        var labeler = new GoalLabeler(store, Goal(new EventCondition("seats_added", new Dictionary<string, string> { ["plan"] = "paid" })));

        Assert.Equal(4 * Day, labeler.AchievedAt(0));
        Assert.Equal(GoalLabeler.Never, labeler.AchievedAt(1));
    }

    [Fact]
    public void Count_goal_all_is_achieved_when_the_last_condition_first_holds()
    {
        var store = Store(("a", 1, "doc_created", null), ("a", 2, "user_invited", null), ("a", 3, "doc_created", null),
            ("a", 4, "doc_created", null), ("b", 1, "doc_created", null), ("b", 2, "doc_created", null), ("b", 3, "doc_created", null));
        CountTerm[] terms = [new("doc_created", 3, s_none), new("user_invited", 1, s_none)];

        var all = new GoalLabeler(store, Goal(new CountCondition(true, terms), entity: EntityKind.User));
        var any = new GoalLabeler(store, Goal(new CountCondition(false, terms), entity: EntityKind.User));

        Assert.Equal(4 * Day, all.AchievedAt(0));          // third doc on day 4, invite already on day 2
        Assert.Equal(GoalLabeler.Never, all.AchievedAt(1)); // user b never invites
        Assert.Equal(2 * Day, any.AchievedAt(0));          // the invite alone satisfies any
        Assert.Equal(3 * Day, any.AchievedAt(1));
        Assert.False(all.IsEligible(1, 4 * Day));           // user b was created on day 5
    }

    [Fact]
    public void Inactive_goal_eligibility_and_label_follow_the_contract()
    {
        // a: active days 1, 2, 9, then silent; b: active every 3 days until day 30; c: never active.
        var store = Store(("a", 1, "x", null), ("a", 2, "x", null), ("a", 9, "x", null),
            ("b", 6, "x", null), ("b", 9, "x", null), ("b", 12, "x", null), ("b", 15, "x", null), ("b", 18, "x", null),
            ("b", 21, "x", null), ("b", 24, "x", null), ("b", 27, "x", null), ("b", 30, "x", null));
        var labeler = new GoalLabeler(store, Goal(new InactiveCondition(5 * Day), horizonDays: 10));

        // At day 10: a's last event day 9 is within 5 days -> eligible; silence from day 9 reaches 5 days on day 14 <= 20 -> churned.
        Assert.True(labeler.IsEligible(0, 10 * Day));
        Assert.Equal(1, labeler.Label(0, 10 * Day));
        // b keeps a 3-day rhythm: eligible and not churned.
        Assert.Equal(0, labeler.Label(1, 10 * Day));
        // c had no event: never eligible. a at day 15 is already inactive for 6 days: not eligible.
        Assert.False(labeler.IsEligible(2, 10 * Day));
        Assert.False(labeler.IsEligible(0, 15 * Day));
        // b at day 28: last event day 27, silence after day 30 reaches 5 days on day 35 <= 38 -> churned.
        Assert.Equal(1, labeler.Label(1, 28 * Day));
    }

    [Fact]
    public void Changing_data_after_the_cutoff_changes_labels_but_never_eligibility()
    {
        (string, double, string, string?)[] past = [("a", 1, "x", null), ("a", 4, "x", null), ("b", 6, "x", null), ("c", 2, "paid", null)];
        var before = Store([.. past, ("a", 12, "paid", null), ("b", 13, "x", null)]);
        var after = Store([.. past, ("b", 12, "paid", null), ("a", 30, "x", null), ("c", 11, "x", null)]);
        GoalCondition[] conditions = [new EventCondition("paid", s_none), new InactiveCondition(4 * Day),
            new CountCondition(false, [new CountTerm("x", 3, s_none)])];
        var t = 8 * Day;

        var labelsChanged = false;
        foreach (var condition in conditions)
        {
            var l1 = new GoalLabeler(before, Goal(condition));
            var l2 = new GoalLabeler(after, Goal(condition));
            for (var e = 0; e < 3; e++)
            {
                Assert.Equal(l1.IsEligible(e, t), l2.IsEligible(e, t));
                if (l1.IsEligible(e, t))
                    labelsChanged |= l1.Label(e, t) != l2.Label(e, t);
            }
        }
        Assert.True(labelsChanged);
    }

    [Fact]
    public void Attribute_goal_uses_the_timestamp_column()
    {
        var b = new EventStoreBuilder();
        b.AddAccount("a", 0, [new("converted_at", "1970-01-05")]);
        b.AddAccount("b", 0, [new("converted_at", "")]);
        var labeler = new GoalLabeler(b.Build(), Goal(new AttributeCondition("converted_at")));

        Assert.Equal(1, labeler.Label(0, 1 * Day));
        Assert.False(labeler.IsEligible(0, 4 * Day));
        Assert.True(labeler.IsEligible(1, 100 * Day));
    }

    [Fact]
    public void Cutoff_plan_steps_back_by_the_horizon_from_as_of_minus_horizon()
    {
        var cutoffs = CutoffPlan.Build(100 * Day, 10 * Day, new TrainingConfig { Cutoffs = 4 }, dataStartMs: 65 * Day);

        Assert.Equal([70 * Day, 80 * Day, 90 * Day], cutoffs); // 60 is before the data starts
    }

    [Fact]
    public void Cutoff_plan_with_a_step_shorter_than_the_horizon_keeps_every_training_label_window_before_the_selection_cutoff()
    {
        var cutoffs = CutoffPlan.Build(100 * Day, 10 * Day, new TrainingConfig { Cutoffs = 4, StepMs = 3 * Day }, dataStartMs: 0);

        Assert.Equal([74 * Day, 77 * Day, 80 * Day, 90 * Day], cutoffs);
        Assert.All(cutoffs[..^1], t => Assert.True(t + 10 * Day <= cutoffs[^1], "a training label window reaches into the selection window"));
    }
}
