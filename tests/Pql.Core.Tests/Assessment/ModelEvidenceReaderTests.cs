using Pql.Core.Assessment;
using Pql.Core.Events;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Tests.State;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Assessment;

public sealed class ModelEvidenceReaderTests : IDisposable
{
    private const long Day = 86_400_000;
    private static readonly Dictionary<string, string> s_none = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-assess-state-").FullName;
    private readonly SqliteStateStore _state;

    public ModelEvidenceReaderTests() => _state = new SqliteStateStore(Path.Combine(_dir, "state.db"));

    public void Dispose()
    {
        _state.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly GoalDefinition s_conversion =
        new("conversion", EntityKind.Account, new EventCondition("subscription_started", s_none), 10 * Day, 1);

    private static readonly GoalDefinition s_churn =
        new("churn", EntityKind.Account, new InactiveCondition(30 * Day), 30 * Day, 1);

    private static WorkspaceConfig Config(params GoalDefinition[] goals) =>
        new() { Directory = "/ws", ConfigPath = "/ws/pql.yaml", Data = new DataConfig(), Goals = goals };

    /// <summary>
    /// Ten accounts created on day 0. Conversions (subscription_started): a0 day 7, a1 day 8, a2 day 9, a5 day 12 - inside
    /// (5, 15] after a run as of day 5 - plus a6 on day 3 (before the run) and a7 on day 20 (after the window).
    /// The last event is on day 30, so the window has passed.
    /// </summary>
    private static EventStore Store()
    {
        var b = new EventStoreBuilder();
        for (var i = 0; i < 10; i++)
        {
            b.AddAccount($"a{i}", 0);
            b.AddEvent($"a{i}", null, 0, "signed_up", null);
        }
        foreach (var (id, day) in new[] { ("a0", 7), ("a1", 8), ("a2", 9), ("a5", 12), ("a6", 3), ("a7", 20) })
            b.AddEvent(id, null, day * Day, "subscription_started", "billing");
        b.AddEvent("a9", null, 30 * Day, "login", null);
        return b.Build();
    }

    private void Register(string goal, string metrics = "{}") =>
        _state.RegisterModel(new ModelRecord(goal, "v1", "gbdt", "models/v1.json", metrics, 5 * Day));

    /// <summary>high_touch a0 a1; assisted a2 a3 a4; nurture a5-a9 (scores fall in that order).</summary>
    private void SaveRun(string goal, long asOf)
    {
        var rows = new List<EntityScore>();
        for (var i = 0; i < 10; i++)
        {
            var tier = i < 2 ? "high_touch" : i < 5 ? "assisted" : "nurture";
            rows.Add(new EntityScore($"a{i}", 0.95 - i * 0.1, tier, [], new Dictionary<string, string>()));
        }
        _state.SaveScoreRun(new ScoreRun($"run-{goal}-{asOf}", goal, "v1", "gbdt", asOf, asOf, rows), [], []);
    }

    [Fact]
    public async Task Read_counts_conversions_after_the_run_and_works_out_lift_and_high_tier_share()
    {
        Register("conversion");
        SaveRun("conversion", 5 * Day);

        var evidence = await ModelEvidenceReader.ReadAsync(_state, Store(), Config(s_churn, s_conversion));

        // 4 of 10 scored accounts convert in (day 5, day 15]: base rate 0.4. high_touch converts 2 of 2 (1.0): lift 2.5.
        // High tiers (high_touch + assisted) hold 3 of the 4 conversions: 0.75.
        Assert.Equal("conversion", evidence.Goal);
        Assert.True(evidence.HasModel);
        Assert.True(evidence.TracksConversion);
        Assert.Equal(4, evidence.Conversions);
        Assert.Equal(2.5, evidence.Lift!.Value, 12);
        Assert.Equal(0.75, evidence.HighTierConversionShare!.Value, 12);
    }

    [Fact]
    public async Task Read_without_any_model_reports_none()
    {
        var evidence = await ModelEvidenceReader.ReadAsync(_state, Store(), Config(s_conversion));

        Assert.False(evidence.HasModel);
        Assert.Null(evidence.Goal);
    }

    [Fact]
    public async Task Read_model_never_scored_does_not_track_conversion()
    {
        Register("conversion");

        var evidence = await ModelEvidenceReader.ReadAsync(_state, Store(), Config(s_conversion));

        Assert.True(evidence.HasModel);
        Assert.False(evidence.TracksConversion);
        Assert.Null(evidence.Lift);
    }

    [Fact]
    public async Task Read_churn_model_is_not_a_pql_model()
    {
        Register("churn");
        SaveRun("churn", 5 * Day);

        var evidence = await ModelEvidenceReader.ReadAsync(_state, Store(), Config(s_churn, s_conversion));

        Assert.False(evidence.HasModel);
    }

    [Fact]
    public async Task Read_stored_run_counts_as_a_model_even_when_none_is_registered()
    {
        SaveRun("conversion", 5 * Day);

        var evidence = await ModelEvidenceReader.ReadAsync(_state, Store(), Config(s_conversion));

        Assert.True(evidence.HasModel);
        Assert.Equal(2.5, evidence.Lift!.Value, 12);
    }

    [Fact]
    public async Task Read_run_at_the_end_of_the_data_tracks_conversion_but_cannot_observe_lift_yet()
    {
        Register("conversion", """{"logistic":{"LiftTopDecile":1.4},"gbdt":{"RocAuc":0.8,"LiftTopDecile":3.2}}""");
        SaveRun("conversion", 30 * Day);

        var evidence = await ModelEvidenceReader.ReadAsync(_state, Store(), Config(s_conversion));

        Assert.True(evidence.TracksConversion);
        Assert.Null(evidence.Lift);
        Assert.Null(evidence.Conversions);
        Assert.Equal(3.2, evidence.HeldOutLift!.Value, 12);
        Assert.Equal(3.2, evidence.BestLift!.Value, 12);
    }

    [Fact]
    public async Task Read_goal_that_never_occurs_in_the_data_is_not_tracked()
    {
        var upgrade = new GoalDefinition("conversion", EntityKind.Account, new EventCondition("plan_upgraded", s_none), 10 * Day, 1);
        Register("conversion");
        SaveRun("conversion", 5 * Day);

        var evidence = await ModelEvidenceReader.ReadAsync(_state, Store(), Config(upgrade));

        Assert.True(evidence.HasModel);
        Assert.False(evidence.TracksConversion);
    }

    [Theory]
    [InlineData("not json", null)]
    [InlineData("[]", null)]
    [InlineData("{\"LiftTopDecile\": 2.0}", 2.0)]
    [InlineData("{\"gbdt\": {\"RocAuc\": 0.7}}", null)]
    public void HeldOutLift_reads_metrics_defensively(string metrics, double? expected)
    {
        var lift = ModelEvidenceReader.HeldOutLift([new ModelRecord("conversion", "v1", "gbdt", "a.json", metrics, 1)]);

        Assert.Equal(expected, lift);
    }

    [Fact]
    public async Task Read_prefers_the_latest_run_whose_window_has_passed()
    {
        Register("conversion");
        SaveRun("conversion", 5 * Day);
        SaveRun("conversion", 25 * Day);

        var evidence = await ModelEvidenceReader.ReadAsync(_state, Store(), Config(s_conversion));

        Assert.Equal(4, evidence.Conversions);
    }
}
