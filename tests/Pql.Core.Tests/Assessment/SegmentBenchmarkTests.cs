using Pql.Core.Assessment;

namespace Pql.Core.Tests.Assessment;

public sealed class SegmentBenchmarkTests
{
    [Theory]
    // Figures from issue #6 (expected / good / alarm).
    [InlineData("pure_plg", 2.8, 3.5, 2.0)]
    [InlineData("plg_sales_assist", 2.4, 3.2, 1.8)]
    [InlineData("sales_led_freemium", 1.8, 2.5, 1.2)]
    [InlineData("developer_tools", 3.0, 3.8, 2.2)]
    public void Segment_figures_match_the_rubric(string key, double expected, double good, double alarm)
    {
        var s = Segments.Find(key)!;

        Assert.Equal((decimal)expected, s.Expected);
        Assert.Equal((decimal)good, s.Good);
        Assert.Equal((decimal)alarm, s.Alarm);
    }

    [Theory]
    [InlineData("pure_plg")]
    [InlineData("plg_sales_assist")]
    [InlineData("sales_led_freemium")]
    [InlineData("developer_tools")]
    public void Compare_at_each_threshold_and_just_below_it(string key)
    {
        var s = Segments.Find(key)!;
        double Below(decimal x) => (double)(x - 0.1m);

        Assert.Equal(BenchmarkStanding.Alarm, s.Compare(Below(s.Alarm)));
        Assert.Equal(BenchmarkStanding.BelowExpected, s.Compare((double)s.Alarm));
        Assert.Equal(BenchmarkStanding.BelowExpected, s.Compare(Below(s.Expected)));
        Assert.Equal(BenchmarkStanding.OnPar, s.Compare((double)s.Expected));
        Assert.Equal(BenchmarkStanding.OnPar, s.Compare(Below(s.Good)));
        Assert.Equal(BenchmarkStanding.Good, s.Compare((double)s.Good));
        Assert.Equal(BenchmarkStanding.Good, s.Compare(5.0));
    }

    [Fact]
    public void Compare_rounds_like_the_bands()
    {
        var s = Segments.Of(Segment.PurePlg);

        Assert.Equal(BenchmarkStanding.Alarm, s.Compare(1.94));
        Assert.Equal(BenchmarkStanding.BelowExpected, s.Compare(1.95));
    }

    [Theory]
    [InlineData("PLG-sales-assist", Segment.PlgWithSalesAssist)]
    [InlineData(" Developer_Tools ", Segment.DeveloperTools)]
    public void Find_ignores_case_and_dash_or_underscore(string key, Segment expected)
    {
        Assert.Equal(expected, Segments.Find(key)!.Segment);
    }

    [Fact]
    public void Parse_unknown_segment_names_the_source_and_the_choices()
    {
        var ex = Assert.Throws<Pql.Core.Workspace.PqlInputException>(() => Segments.Parse("enterprise", "--segment"));

        Assert.Contains("--segment", ex.Message);
        Assert.Contains("'enterprise'", ex.Message);
        Assert.Contains("pure_plg", ex.Message);
    }
}
