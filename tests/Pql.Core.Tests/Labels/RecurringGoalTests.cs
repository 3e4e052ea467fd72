using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.Labels;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Labels;

/// <summary>recurring: true and ends_when: on hand-made event logs.</summary>
public sealed class RecurringGoalTests : IDisposable
{
    private const long Day = Duration.MsPerDay;
    private static readonly Dictionary<string, string> s_none = [];
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>Accounts a, b created on day 0; events as (account, day, name).</summary>
    private static EventStore Store(params (string Account, double Day, string Name)[] events)
    {
        var b = new EventStoreBuilder();
        b.AddAccount("a", 0);
        b.AddAccount("b", 0);
        foreach (var (account, day, name) in events)
            b.AddEvent(account, null, (long)(day * Day), name, null);
        return b.Build();
    }

    private static GoalDefinition Won(bool recurring, EventCondition? ends = null) =>
        new("won", EntityKind.Account, new EventCondition("Won", s_none), 10 * Day, 1) { Recurring = recurring, EndsWhen = ends };

    [Fact]
    public void A_recurring_goal_stays_eligible_after_each_achievement_and_labels_the_next_occurrence()
    {
        var store = Store(("a", 5, "Won"), ("a", 30, "Won"), ("b", 8, "Won"));
        var once = new GoalLabeler(store, Won(recurring: false));
        var recurring = new GoalLabeler(store, Won(recurring: true));

        // After a's first win (day 5) a one-time goal drops it; a recurring one keeps it.
        Assert.Equal([], once.EligibleAt(10 * Day));
        Assert.Equal([0, 1], recurring.EligibleAt(10 * Day));
        // At day 10: a's next win is day 30 (outside (10, 20]) -> 0; at day 22 it is inside (22, 32] -> 1.
        Assert.Equal(0, recurring.Label(0, 10 * Day));
        Assert.Equal(1, recurring.Label(0, 22 * Day));
        // At day 0 the next occurrence is the first (day 5); a win exactly at the cutoff belongs to the past.
        Assert.Equal(1, recurring.Label(0, 0));
        Assert.Equal(0, recurring.Label(0, 30 * Day));
        Assert.Equal(0, recurring.Label(1, 8 * Day));
    }

    [Fact]
    public void Ends_when_removes_the_entity_from_eligibility_from_that_event_on()
    {
        var store = Store(("a", 3, "Lost"), ("a", 6, "Won"), ("b", 12, "Won"), ("b", 20, "Lost"));
        var labeler = new GoalLabeler(store, Won(recurring: true, new EventCondition("Lost", s_none)));

        Assert.Equal([1], labeler.EligibleAt(5 * Day));  // a lost on day 3: no longer eligible
        Assert.Equal(1, labeler.Label(1, 5 * Day));       // b wins on day 12, inside (5, 15]
        Assert.Equal([1], labeler.EligibleAt(19 * Day));
        Assert.Equal([], labeler.EligibleAt(20 * Day));   // the loss at day 20 ends b at day 20
        var (entities, _, labels) = labeler.Rows([2 * Day, 5 * Day, 19 * Day]);
        Assert.Equal([0, 1, 1, 1], entities);
        Assert.Equal([1, 1, 1, 0], labels);
    }

    [Fact]
    public void Recurring_and_ends_when_parse_and_errors_name_the_key()
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");
        _ws.File("events.csv", "timestamp,event,account_id,reason\n2026-02-01,Won,acme,\n");
        var config = _ws.Config("""
            data: { accounts: accounts.csv, events: events.csv }
            goals:
              won:
                achieved_when: { event: Won }
                recurring: true
                ends_when: { event: Lost, where: { reason: churned } }
                horizon: 30d
            """);
        var goal = config.Goal("won");
        Assert.True(goal.Recurring);
        Assert.Equal(new Dictionary<string, string> { ["reason"] = "churned" }, goal.EndsWhen!.Where);

        var ex = Assert.Throws<ConfigException>(() => _ws.Config("""
            data: { accounts: accounts.csv, events: events.csv }
            goals:
              quiet: { achieved_when: { inactive_for: 30d }, recurring: true, horizon: 30d }
            """));
        Assert.Contains("goals.quiet.recurring", ex.Message);
    }

    [SharedDataFact("maven-crm-pipeline")]
    public void The_maven_example_filters_open_opportunities_derives_account_creation_and_labels_recurring_wins()
    {
        var example = TestWorkspace.Example("maven-crm-pipeline");
        var config = ConfigLoader.Load(example);
        var (store, report) = WorkspaceLoader.Load(config, new LoadOptions { WriteRejects = false });

        Assert.Equal(0, report.Rejected);
        Assert.Equal(1588 + 2089, report.Filtered); // 500 prospecting + 1,088 engaging without an account; 2,089 still open
        Assert.Equal(6711, store.EventName.Count(c => store.EventNames[c] is "Won" or "Lost"));
        Assert.DoesNotContain(EventStoreBuilder.CreatedAtFirstEvent, store.AccountCreatedAt);
        var first = store.AccountOffsets[store.AccountIds.Find("Acme Corporation")];
        Assert.Equal(store.EventTime[first], store.AccountCreatedAt[store.AccountIds.Find("Acme Corporation")]);

        var labeler = new GoalLabeler(store, config.Goal("opportunity_won"));
        var t = store.MaxTime - 30 * Day;
        var eligible = labeler.EligibleAt(t);
        Assert.Equal(85, eligible.Length); // every account has won before t, and stays eligible
        var positives = eligible.Count(a => labeler.Label(a, t) == 1);
        Assert.InRange(positives, 20, 84);
    }
}
