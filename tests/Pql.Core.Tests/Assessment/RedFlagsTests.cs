using Pql.Core.Assessment;

namespace Pql.Core.Tests.Assessment;

public sealed class RedFlagsTests
{
    private static string[] Raised(AssessmentAnswers answers, AssessmentEvidence? evidence = null) =>
        [.. RedFlags.Raise(answers, evidence).Select(f => f.Id)];

    [Theory]
    // The examples: marketing cannot see usage, no activation metric, zero behavioural triggers,
    // free users never surfaced to sales, teams never meet - each is the dimension's level 1.
    [InlineData(Dimension.DataIntegration, "usage_invisible")]
    [InlineData(Dimension.Activation, "no_activation_metric")]
    [InlineData(Dimension.UsageCampaigns, "no_behavioural_triggers")]
    [InlineData(Dimension.ProductQualifiedLeads, "free_users_hidden")]
    [InlineData(Dimension.FeedbackLoop, "teams_never_meet")]
    public void Raise_level_one_answer_raises_its_dimension_flag_and_level_two_does_not(Dimension dimension, string id)
    {
        var levels = new[] { 3, 3, 3, 3, 3 };
        levels[(int)dimension] = 1;
        var atOne = AssessmentSamples.Answers(levels[0], levels[1], levels[2], levels[3], levels[4]);
        levels[(int)dimension] = 2;
        var atTwo = AssessmentSamples.Answers(levels[0], levels[1], levels[2], levels[3], levels[4]);

        Assert.Equal([id], Raised(atOne));
        Assert.Empty(Raised(atTwo));
        Assert.Equal(dimension, RedFlags.Raise(atOne, null)[0].Dimension);
        Assert.Equal(RedFlagSource.Answers, RedFlags.Raise(atOne, null)[0].Source);
    }

    [Fact]
    public void Raise_healthy_evidence_raises_nothing()
    {
        Assert.Empty(Raised(AssessmentSamples.Uniform(3), AssessmentSamples.HealthyEvidence()));
    }

    [Theory]
    [InlineData(0.149, true)]
    [InlineData(0.15, false)]
    public void Raise_activation_under_fifteen_percent_is_flagged(double rate, bool flagged)
    {
        var evidence = AssessmentSamples.HealthyEvidence() with { ActivationRate = rate };

        var flags = RedFlags.Raise(AssessmentSamples.Uniform(3), evidence);

        Assert.Equal(flagged, flags.Any(f => f.Id == "low_activation"));
        if (flagged)
            Assert.Contains("14.9%", flags.Single().Message);
    }

    [Fact]
    public void Raise_no_activation_goal_is_flagged()
    {
        var evidence = AssessmentSamples.HealthyEvidence() with { ActivationGoal = null, ActivationRate = null };

        Assert.Equal(["no_activation_goal"], Raised(AssessmentSamples.Uniform(3), evidence));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Raise_zero_triggers_configured_is_flagged(int triggers, bool flagged)
    {
        var evidence = AssessmentSamples.HealthyEvidence() with { TriggersConfigured = triggers };

        Assert.Equal(flagged, Raised(AssessmentSamples.Uniform(3), evidence).Contains("no_triggers_configured"));
    }

    [Theory]
    [InlineData(24 * 3_600_000.0, true)]
    [InlineData(24 * 3_600_000.0 - 1, false)]
    public void Raise_events_arriving_a_day_late_is_flagged(double medianMs, bool flagged)
    {
        var evidence = AssessmentSamples.HealthyEvidence() with { LatencyMedianMs = medianMs };

        Assert.Equal(flagged, Raised(AssessmentSamples.Uniform(3), evidence).Contains("usage_arrives_late"));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void Raise_fewer_than_three_event_names_is_flagged(int names, bool flagged)
    {
        var evidence = AssessmentSamples.HealthyEvidence() with { DistinctEventNames = names };

        Assert.Equal(flagged, Raised(AssessmentSamples.Uniform(3), evidence).Contains("thin_tracking"));
    }

    [Fact]
    public void Raise_missing_model_and_model_without_lift_are_flagged()
    {
        var none = AssessmentSamples.HealthyEvidence() with { Model = new ModelEvidence("conversion", HasModel: false, TracksConversion: false) };
        var flat = AssessmentSamples.HealthyEvidence() with { Model = new ModelEvidence("conversion", true, true, Lift: 0.95) };
        var good = AssessmentSamples.HealthyEvidence() with { Model = new ModelEvidence("conversion", true, true, Lift: 2.5) };

        Assert.Equal(["no_pql_model"], Raised(AssessmentSamples.Uniform(3), none));
        Assert.Equal(["model_without_lift"], Raised(AssessmentSamples.Uniform(3), flat));
        Assert.Empty(Raised(AssessmentSamples.Uniform(3), good));
        var flatHeldOut = AssessmentSamples.HealthyEvidence() with { Model = new ModelEvidence("conversion", true, true, HeldOutLift: 1.0) };
        Assert.Equal(["model_without_lift"], Raised(AssessmentSamples.Uniform(3), flatHeldOut));
    }

    [Fact]
    public void Rules_every_dimension_has_at_least_one_flag_and_ids_are_unique()
    {
        foreach (var d in Enum.GetValues<Dimension>())
            Assert.Contains(RedFlags.Rules, r => r.Dimension == d);
        Assert.Equal(RedFlags.Rules.Length, RedFlags.Rules.Select(r => r.Id).Distinct().Count());
    }
}
