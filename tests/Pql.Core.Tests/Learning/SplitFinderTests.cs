using Pql.Core.Learning.Gbdt;

namespace Pql.Core.Tests.Learning;

public sealed class SplitFinderTests
{
    [Fact]
    public void Best_numeric_split_maximises_hand_computed_gain()
    {
        // bins (g, h): missing (0,0), 1 (-2,1), 2 (-1,1), 3 (3,2); G = 0, H = 4, λ = 1.
        // t=1: 4/2 + 4/4 - 0 = 3; t=2: 9/3 + 9/3 = 6 -> best is bin 2 with gain 6.
        double[] hist = [0, 0, -2, 1, -1, 1, 3, 2];

        var best = SplitFinder.Best(hist, 7, false, 0, 4, 1, 0);

        Assert.Equal(7, best.Feature);
        Assert.Equal(2, best.Bin);
        Assert.Equal(6.0, best.Gain, 12);
        Assert.Equal(-3.0, best.GradLeft, 12);
        Assert.Equal(2.0, best.HessLeft, 12);
        Assert.False(best.DefaultLeft);
    }

    [Fact]
    public void Best_sends_missing_to_the_side_that_gains_more()
    {
        // missing (-2,1) with bins 1 (-2,1), 2 (2,1), 3 (2,1): G = 0, H = 4.
        // t=1 missing left: GL=-4,HL=2 -> 16/3 + 16/3 = 10.67 (best); missing right: 4/2 + 4/4 = 3.
        double[] hist = [-2, 1, -2, 1, 2, 1, 2, 1];

        var best = SplitFinder.Best(hist, 0, false, 0, 4, 1, 0);

        Assert.Equal(1, best.Bin);
        Assert.True(best.DefaultLeft);
        Assert.Equal(32.0 / 3, best.Gain, 9);
    }

    [Fact]
    public void Best_categorical_is_one_level_versus_the_rest()
    {
        // levels (bins 1..3): (1,1), (-3,1), (2,1): level in bin 2 alone: 9/2 + 9/3 = 7.5.
        double[] hist = [0, 0, 1, 1, -3, 1, 2, 1];

        var best = SplitFinder.Best(hist, 0, true, 0, 3, 1, 0);

        Assert.True(best.Categorical);
        Assert.Equal(2, best.Bin);
        Assert.Equal(7.5, best.Gain, 12);
    }

    [Fact]
    public void Best_respects_min_child_weight()
    {
        double[] hist = [0, 0, -2, 1, -1, 1, 3, 2];

        var best = SplitFinder.Best(hist, 0, false, 0, 4, 1, minChildWeight: 2.5);

        Assert.Equal(-1, best.Feature);
    }
}
