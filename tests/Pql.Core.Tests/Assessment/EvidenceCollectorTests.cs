using Pql.Core.Assessment;
using Pql.Core.Events;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Tests.Assessment;

public sealed class EvidenceCollectorTests
{
    private const long Hour = 3_600_000;
    private static readonly long s_t0 = Timestamps.TryParseIso("2026-03-02T00:00:00Z", out var t) ? t : 0;
    private static readonly Dictionary<string, string> s_none = [];

    private static long At(double hours) => s_t0 + (long)(hours * Hour);

    /// <summary>
    /// Users of one account; activation = 2 doc_created and 1 user_invited within 48h of sign-up. Hours after T0:
    /// u1 created 0, activates at 5 (5h). u2 created 1, has its second doc only at 72 (71h: outside the window).
    /// u3 created 2, activates at 12 (10h). u6 created 24: a doc at 20 predates its sign-up and does not count,
    /// so it activates at 54 (30h), not 26. u7 created 30, never activates. u4 created 144 is too recent
    /// (last event 168, minus 48h = 120). u5 was created before the first event, so it is left out too.
    /// Cohort 5 (u1 u2 u3 u6 u7), activated 3 (u1 u3 u6): rate 0.6, median of 5h, 10h, 30h = 10h.
    /// </summary>
    private static EventStore UserStore()
    {
        var b = new EventStoreBuilder();
        var acme = b.AddAccount("acme", At(-300));
        void User(string id, double created) => b.AddUser(id, acme, At(created));
        void Ev(string user, double hours, string name, string? product = null) => b.AddEvent("acme", user, At(hours), name, product);
        User("u1", 0); User("u2", 1); User("u3", 2); User("u6", 24); User("u7", 30); User("u4", 144); User("u5", -240);
        Ev("u1", 0, "signed_up"); Ev("u1", 1, "doc_created", "docs"); Ev("u1", 3, "doc_created", "docs"); Ev("u1", 5, "user_invited", "team");
        Ev("u2", 1, "signed_up"); Ev("u2", 2, "doc_created", "docs"); Ev("u2", 4, "user_invited", "team"); Ev("u2", 72, "doc_created", "docs");
        Ev("u3", 2, "signed_up"); Ev("u3", 2, "user_invited", "team"); Ev("u3", 10, "doc_created", "docs"); Ev("u3", 12, "doc_created", "docs");
        Ev("u6", 20, "doc_created", "docs"); Ev("u6", 24, "signed_up"); Ev("u6", 25, "doc_created", "docs"); Ev("u6", 26, "user_invited", "team");
        Ev("u6", 54, "doc_created", "docs");
        Ev("u7", 30, "signed_up"); Ev("u7", 168, "page_view");
        Ev("u4", 144, "signed_up"); Ev("u4", 145, "doc_created", "docs"); Ev("u4", 146, "doc_created", "docs"); Ev("u4", 147, "user_invited", "team");
        Ev("u5", 30, "doc_created", "docs"); Ev("u5", 31, "doc_created", "docs"); Ev("u5", 32, "user_invited", "team");
        return b.Build();
    }

    private static GoalDefinition UserActivation(string name = "activation") => new(name, EntityKind.User,
        new CountCondition(true, [new CountTerm("doc_created", 2, s_none), new CountTerm("user_invited", 1, s_none)]), 48 * Hour, 1);

    private static WorkspaceConfig Config(IReadOnlyList<GoalDefinition> goals, string sectionsYaml = "{}")
    {
        var root = YamlConfigReader.LoadRoot("pql.yaml", sectionsYaml);
        var sections = root.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (YamlMappingNode)kv.Value);
        return new WorkspaceConfig
        {
            Directory = "/ws",
            ConfigPath = "/ws/pql.yaml",
            Data = new DataConfig(),
            Goals = goals,
            Sections = sections,
        };
    }

    [Fact]
    public void Collect_user_activation_rate_and_median_match_the_hand_count()
    {
        var evidence = EvidenceCollector.Collect(UserStore(), Config([UserActivation()]));

        Assert.Equal("activation", evidence.ActivationGoal);
        Assert.Equal(5, evidence.ActivationCohort);
        Assert.Equal(3, evidence.ActivatedCount);
        Assert.Equal(0.6, evidence.ActivationRate!.Value, 12);
        Assert.Equal(10.0, evidence.MedianHoursToActivation!.Value, 12);
        Assert.Equal(48.0, evidence.ActivationWindowHours!.Value, 12);
    }

    [Fact]
    public void FirstAchievement_counts_only_events_since_creation_and_ignores_the_window()
    {
        var store = UserStore();

        var first = ActivationMeasure.FirstAchievement(store, UserActivation());

        long Of(string user) => first[store.UserIds.Find(user)];
        Assert.Equal(At(5), Of("u1"));
        Assert.Equal(At(72), Of("u2"));
        Assert.Equal(At(54), Of("u6"));
        Assert.Equal(ActivationMeasure.Never, Of("u7"));
        Assert.Equal(At(32), Of("u5"));
    }

    [Fact]
    public void Collect_counts_event_names_products_and_config_sections()
    {
        var config = Config([UserActivation()], """
            playbooks:
              sales_handoff: []
              nurture: []
            tiers:
              default: { high_touch: 0.6, assisted: 0.3 }
            """);

        var evidence = EvidenceCollector.Collect(UserStore(), config, latencyMedianMs: 1200, latencyP95Ms: 9000);

        Assert.Equal(4, evidence.DistinctEventNames);
        Assert.Equal(2, evidence.ProductsTracked);
        Assert.Equal(26, evidence.EventCount);
        Assert.Equal(2, evidence.PlaybooksConfigured);
        Assert.Equal(0, evidence.TriggersConfigured);
        Assert.True(evidence.TiersConfigured);
        Assert.Equal(1200, evidence.LatencyMedianMs);
        Assert.Equal(9000, evidence.LatencyP95Ms);
        Assert.Null(evidence.Model);
    }

    [Fact]
    public void Collect_counts_triggers_written_as_a_list()
    {
        var root = YamlConfigReader.LoadRoot("pql.yaml", "triggers:\n  - name: a\n  - name: b\n");
        var config = Config([UserActivation()]) with
        {
            ListSections = new Dictionary<string, YamlSequenceNode> { ["triggers"] = (YamlSequenceNode)YamlConfigReader.Child(root, "triggers")! },
        };

        Assert.Equal(2, EvidenceCollector.Collect(UserStore(), config).TriggersConfigured);
    }

    [Fact]
    public void Collect_any_goal_stands_in_for_activation_when_none_is_named_so()
    {
        var any = new GoalDefinition("first_value", EntityKind.User,
            new CountCondition(false, [new CountTerm("user_invited", 1, s_none), new CountTerm("page_view", 1, s_none)]), 48 * Hour, 1);
        var churn = new GoalDefinition("churn", EntityKind.User, new InactiveCondition(7 * 24 * Hour), 7 * 24 * Hour, 1);

        var evidence = EvidenceCollector.Collect(UserStore(), Config([churn, any]));

        // user_invited within 48h: u1 at 5 (5h), u2 at 4 (3h), u3 at 2 (0h), u6 at 26 (2h); u7 only at 168.
        Assert.Equal("first_value", evidence.ActivationGoal);
        Assert.Equal(4, evidence.ActivatedCount);
        Assert.Equal(0.8, evidence.ActivationRate!.Value, 12);
        Assert.Equal(2.5, evidence.MedianHoursToActivation!.Value, 12);
    }

    [Fact]
    public void Collect_without_activation_goal_leaves_activation_unknown()
    {
        var conversion = new GoalDefinition("conversion", EntityKind.Account, new EventCondition("subscription_started", s_none), 30 * 24 * Hour, 1);

        var evidence = EvidenceCollector.Collect(UserStore(), Config([conversion]));

        Assert.Null(evidence.ActivationGoal);
        Assert.Null(evidence.ActivationRate);
        Assert.Null(evidence.MedianHoursToActivation);
        Assert.Equal(4, evidence.DistinctEventNames);
    }

    /// <summary>
    /// Accounts; activation = first subscription_started with plan=pro within 48h. a1 created 0: a free plan at 10h
    /// does not count, pro at 20h does (20h). a2 created 5: pro only at 100 (95h, outside). a3 created 10: never.
    /// Last event 200. Cohort 3, activated 1: rate 1/3, median 20h.
    /// </summary>
    [Fact]
    public void Collect_account_event_goal_with_where_filter_matches_the_hand_count()
    {
        var b = new EventStoreBuilder();
        foreach (var (id, created) in new[] { ("a1", 0.0), ("a2", 5.0), ("a3", 10.0) })
        {
            b.AddAccount(id, At(created));
            b.AddEvent(id, null, At(created), "signed_up", null);
        }
        b.AddProperty(b.AddEvent("a1", null, At(10), "subscription_started", "billing"), "plan", "free");
        b.AddProperty(b.AddEvent("a1", null, At(20), "subscription_started", "billing"), "plan", "pro");
        b.AddProperty(b.AddEvent("a2", null, At(100), "subscription_started", "billing"), "plan", "pro");
        b.AddEvent("a3", null, At(200), "login", null);
        var goal = new GoalDefinition("activation", EntityKind.Account,
            new EventCondition("subscription_started", new Dictionary<string, string> { ["plan"] = "pro" }), 48 * Hour, 1);

        var evidence = EvidenceCollector.Collect(b.Build(), Config([goal]));

        Assert.Equal(3, evidence.ActivationCohort);
        Assert.Equal(1, evidence.ActivatedCount);
        Assert.Equal(1 / 3.0, evidence.ActivationRate!.Value, 12);
        Assert.Equal(20.0, evidence.MedianHoursToActivation!.Value, 12);
    }

    /// <summary>
    /// Attribute goal: accounts activate at their <c>activated_at</c> time. b1 created 0, activated 6h; b2 created 2,
    /// activated 60h (58h, outside 48h); b3 created 4, no value. Last event at 100h. Cohort 3, activated 1, median 6h.
    /// </summary>
    [Fact]
    public void Collect_attribute_goal_reads_the_timestamp_column()
    {
        var b = new EventStoreBuilder();
        string Iso(double hours) => Timestamps.Format(At(hours));
        b.AddAccount("b1", At(0), [new("activated_at", Iso(6))]);
        b.AddAccount("b2", At(2), [new("activated_at", Iso(60))]);
        b.AddAccount("b3", At(4), [new("activated_at", "")]);
        b.AddEvent("b1", null, At(0), "signed_up", null);
        b.AddEvent("b3", null, At(100), "login", null);
        var goal = new GoalDefinition("activation", EntityKind.Account, new AttributeCondition("activated_at"), 48 * Hour, 1);

        var evidence = EvidenceCollector.Collect(b.Build(), Config([goal]));

        Assert.Equal(3, evidence.ActivationCohort);
        Assert.Equal(1, evidence.ActivatedCount);
        Assert.Equal(6.0, evidence.MedianHoursToActivation!.Value, 12);
    }

    [Fact]
    public void Collect_where_filter_on_a_property_the_store_lacks_never_matches()
    {
        var goal = new GoalDefinition("activation", EntityKind.User,
            new EventCondition("doc_created", new Dictionary<string, string> { ["kind"] = "sheet" }), 48 * Hour, 1);

        var evidence = EvidenceCollector.Collect(UserStore(), Config([goal]));

        Assert.Equal(0, evidence.ActivatedCount);
        Assert.Equal(0.0, evidence.ActivationRate);
    }

    [Fact]
    public void CountEntries_reads_mapping_and_list_sections()
    {
        var root = YamlConfigReader.LoadRoot("pql.yaml", "triggers:\n  - name: a\n  - name: b\n  - name: c\nplaybooks:\n  x: []\n");

        Assert.Equal(3, EvidenceCollector.CountEntries(YamlConfigReader.Child(root, "triggers")));
        Assert.Equal(1, EvidenceCollector.CountEntries(YamlConfigReader.Child(root, "playbooks")));
        Assert.Equal(0, EvidenceCollector.CountEntries(null));
    }
}
