using Pql.Core.Governance;

namespace Pql.Core.Tests.Governance;

/// <summary>The lift interval from counts, on hand-made counts with published answers.</summary>
public sealed class LiftEstimateTests
{
    [Fact]
    public void Wilson_interval_matches_newcombes_worked_example()
    {
        var r = LiftEstimate.Wilson(81, 263);   // Newcombe (1998), Statistics in Medicine 17:857, table I: 0.2553 to 0.3662
        Assert.Equal(0.2553, r.Low, 4);
        Assert.Equal(0.3662, r.High, 4);
        Assert.Equal(81.0 / 263, r.Rate, 12);
    }

    [Fact]
    public void Absolute_lift_interval_is_newcombes_hybrid_score_interval()
    {
        var lift = LiftEstimate.FromCounts(56, 70, 48, 80);   // Newcombe (1998), Statistics in Medicine 17:873, example (a), method 10: 0.0524 to 0.3339
        Assert.Equal(0.2, lift.AbsoluteLift, 12);
        Assert.Equal(0.0524, lift.AbsoluteLow, 4);
        Assert.Equal(0.3339, lift.AbsoluteHigh, 4);
    }

    [Fact]
    public void Relative_lift_interval_is_the_katz_log_interval_of_the_risk_ratio()
    {
        var lift = LiftEstimate.FromCounts(30, 200, 10, 100);   // 15% vs 10%: risk ratio 1.5, se of ln RR sqrt(1/30 - 1/200 + 1/10 - 1/100)
        Assert.Equal(0.5, lift.RelativeLift, 12);
        Assert.Equal(-0.23567, lift.RelativeLow, 5);
        Assert.Equal(1.94375, lift.RelativeHigh, 5);
        Assert.True(lift.AbsoluteLow < 0 && lift.AbsoluteHigh > 0);   // 5 points on these counts is not significant
    }

    [Fact]
    public void An_empty_group_gives_no_interval_and_no_achiever_in_control_still_gives_a_finite_relative_interval()
    {
        Assert.True(double.IsNaN(LiftEstimate.FromCounts(3, 10, 0, 0).RelativeLift));
        var lift = LiftEstimate.FromCounts(5, 50, 0, 10);
        Assert.True(double.IsFinite(lift.RelativeLow) && double.IsFinite(lift.RelativeHigh));
        Assert.Equal(0, lift.Control.Low);
    }
}
