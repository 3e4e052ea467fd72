using Pql.Core.Assessment;

namespace Pql.Core.Tests.Assessment;

public sealed class AssessmentScorerTests
{
    [Fact]
    public void Score_overall_is_the_mean_of_the_five_levels()
    {
        var answers = AssessmentSamples.Answers(dataIntegration: 3, activation: 2, campaigns: 2, pql: 1, feedback: 4);

        var report = AssessmentScorer.Score(answers);

        Assert.Equal(2.4, report.Mean, 10);
        Assert.Equal(2.4m, report.Score);
        Assert.Equal(Band.Developing, report.Band.Band);
        Assert.Equal(BenchmarkStanding.BelowExpected, report.Standing);
    }

    [Theory]
    [InlineData(1, Band.Critical)]
    [InlineData(2, Band.Developing)]
    [InlineData(3, Band.Competent)]
    [InlineData(4, Band.Advanced)]
    [InlineData(5, Band.BestInClass)]
    public void Score_uniform_answers_land_in_their_band(int level, Band expected)
    {
        var report = AssessmentScorer.Score(AssessmentSamples.Uniform(level));

        Assert.Equal(expected, report.Band.Band);
    }

    [Fact]
    public void Score_reports_each_dimension_with_its_level_description()
    {
        var report = AssessmentScorer.Score(AssessmentSamples.Answers(pql: 1));

        var pql = report[Dimension.ProductQualifiedLeads];
        Assert.Equal(1, pql.Level);
        Assert.Equal("ad hoc", pql.LevelName);
        Assert.Equal(Rubric.Of(Dimension.ProductQualifiedLeads).Levels[0], pql.Description);
    }

    [Fact]
    public void Score_next_steps_start_with_the_band_step_then_the_weakest_dimensions()
    {
        var report = AssessmentScorer.Score(AssessmentSamples.Answers(dataIntegration: 4, activation: 2, campaigns: 3, pql: 1, feedback: 2));

        Assert.Equal(report.Band.NextStep, report.NextSteps[0]);
        Assert.StartsWith("Product-qualified leads: aim for level 2", report.NextSteps[1]);
        Assert.StartsWith("Activation and onboarding: aim for level 3", report.NextSteps[2]);
        Assert.Equal(3, report.NextSteps.Length);
    }

    [Fact]
    public void Score_all_fives_has_no_dimension_step()
    {
        var report = AssessmentScorer.Score(AssessmentSamples.Uniform(5));

        Assert.Equal([report.Band.NextStep], report.NextSteps.ToArray());
    }

    [Fact]
    public void Score_with_evidence_warns_where_answer_and_data_differ_by_more_than_one_level()
    {
        var evidence = AssessmentSamples.HealthyEvidence() with { TriggersConfigured = 0, ActivationRate = 0.2 };
        var answers = AssessmentSamples.Answers(activation: 4, campaigns: 3);

        var report = AssessmentScorer.Score(answers, evidence);

        var campaigns = report[Dimension.UsageCampaigns];
        Assert.Equal(1, campaigns.Suggestion!.Level);
        Assert.True(campaigns.Disagrees);
        Assert.Contains("level 3", campaigns.Warning);
        Assert.Contains("level 1", campaigns.Warning);
        var activation = report[Dimension.Activation];
        Assert.Equal(3, activation.Suggestion!.Level);
        Assert.False(activation.Disagrees);
        Assert.Null(activation.Warning);
        Assert.Null(report[Dimension.FeedbackLoop].Suggestion);
        Assert.Contains(report.NextSteps, s => s.StartsWith("Usage-driven campaigns: reconcile", StringComparison.Ordinal));
    }

    [Fact]
    public void Score_without_evidence_has_no_suggestions()
    {
        var report = AssessmentScorer.Score(AssessmentSamples.Uniform(3));

        Assert.All(report.Dimensions, d => Assert.Null(d.Suggestion));
        Assert.Null(report.Evidence);
    }
}
