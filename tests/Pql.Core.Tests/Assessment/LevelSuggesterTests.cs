using Pql.Core.Assessment;

namespace Pql.Core.Tests.Assessment;

public sealed class LevelSuggesterTests
{
    private const double Hour = 3_600_000;

    private static int? Level(AssessmentEvidence e, Dimension d) =>
        LevelSuggester.Suggest(e).FirstOrDefault(s => s.Dimension == d)?.Level;

    [Theory]
    // Data integration: no events 1; fewer than ten event names 2; ten or more 3; under an hour's delay 4;
    // a day or more of delay caps at 2.
    [InlineData(0, null, 1)]
    [InlineData(9, null, 2)]
    [InlineData(10, null, 3)]
    [InlineData(10, 0.5, 4)]
    [InlineData(10, 2.0, 3)]
    [InlineData(10, 24.0, 2)]
    [InlineData(9, 0.5, 2)]
    public void Suggest_data_integration_from_event_names_and_latency(int names, double? latencyHours, int expected)
    {
        var e = AssessmentSamples.HealthyEvidence() with { DistinctEventNames = names, LatencyMedianMs = latencyHours * Hour };

        Assert.Equal(expected, Level(e, Dimension.DataIntegration));
    }

    [Fact]
    public void Suggest_data_integration_five_needs_fast_data_and_a_model_acting_through_triggers()
    {
        var e = AssessmentSamples.HealthyEvidence() with { LatencyMedianMs = 0.2 * Hour, Model = new ModelEvidence("conversion", true, true, 2) };

        Assert.Equal(5, Level(e, Dimension.DataIntegration));
    }

    [Theory]
    // Activation: goal defined 3; over 30% 4; over 50% with a median under an hour 5.
    [InlineData(0.10, 5.0, 3)]
    [InlineData(0.30, 5.0, 3)]
    [InlineData(0.31, 5.0, 4)]
    [InlineData(0.60, 5.0, 4)]
    [InlineData(0.60, 0.5, 5)]
    [InlineData(0.50, 0.5, 4)]
    public void Suggest_activation_from_rate_and_time_to_value(double rate, double medianHours, int expected)
    {
        var e = AssessmentSamples.HealthyEvidence() with { ActivationRate = rate, MedianHoursToActivation = medianHours };

        Assert.Equal(expected, Level(e, Dimension.Activation));
    }

    [Fact]
    public void Suggest_activation_without_goal_is_one_and_without_history_is_two()
    {
        var noGoal = AssessmentSamples.HealthyEvidence() with { ActivationGoal = null, ActivationRate = null };
        var noHistory = AssessmentSamples.HealthyEvidence() with { ActivationRate = null, ActivationCohort = 0 };

        Assert.Equal(1, Level(noGoal, Dimension.Activation));
        Assert.Equal(2, Level(noHistory, Dimension.Activation));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(12, 3)]
    public void Suggest_campaigns_from_trigger_count(int triggers, int expected)
    {
        var e = AssessmentSamples.HealthyEvidence() with { TriggersConfigured = triggers };

        Assert.Equal(expected, Level(e, Dimension.UsageCampaigns));
    }

    [Fact]
    public void Suggest_pql_from_model_facts()
    {
        var baseline = AssessmentSamples.HealthyEvidence();
        AssessmentEvidence With(ModelEvidence m) => baseline with { Model = m };

        Assert.Null(Level(baseline, Dimension.ProductQualifiedLeads));
        Assert.Equal(1, Level(With(new ModelEvidence("conversion", false, false)), Dimension.ProductQualifiedLeads));
        Assert.Equal(2, Level(With(new ModelEvidence("conversion", true, false)), Dimension.ProductQualifiedLeads));
        Assert.Equal(3, Level(With(new ModelEvidence("conversion", true, true, Lift: 1.2)), Dimension.ProductQualifiedLeads));
        Assert.Equal(4, Level(With(new ModelEvidence("conversion", true, true, Lift: 1.5, HighTierConversionShare: 0.4)), Dimension.ProductQualifiedLeads));
        Assert.Equal(5, Level(With(new ModelEvidence("conversion", true, true, Lift: 3, HighTierConversionShare: 0.5)), Dimension.ProductQualifiedLeads));
        Assert.Equal(4, Level(With(new ModelEvidence("conversion", true, true, HeldOutLift: 2.0)), Dimension.ProductQualifiedLeads));
        Assert.Equal(3, Level(With(new ModelEvidence("conversion", true, true, Lift: 1.1, HeldOutLift: 2.0)), Dimension.ProductQualifiedLeads));
        Assert.Equal(3, Level(With(new ModelEvidence("conversion", true, true, Lift: 3, HighTierConversionShare: 0.5)) with { TriggersConfigured = 0 },
            Dimension.ProductQualifiedLeads));
    }

    [Fact]
    public void Suggest_never_speaks_to_the_feedback_loop()
    {
        var e = AssessmentSamples.HealthyEvidence() with { Model = new ModelEvidence("conversion", true, true, 2, 0.6) };

        Assert.DoesNotContain(LevelSuggester.Suggest(e), s => s.Dimension == Dimension.FeedbackLoop);
    }

    [Theory]
    [InlineData(850, "850 ms")]
    [InlineData(42_000, "42 s")]
    [InlineData(90 * 60_000, "1.5 h")]
    [InlineData(48 * Hour, "2 days")]
    public void FormatDuration_picks_a_readable_unit(double ms, string expected)
    {
        Assert.Equal(expected, LevelSuggester.FormatDuration(ms));
    }
}
