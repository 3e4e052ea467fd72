using Pql.Core.Assessment;

namespace Pql.Core.Tests.Assessment;

public sealed class BandsTests
{
    [Theory]
    // Bounds from issue #6: 1.0-1.9 critical, 2.0-2.9 developing, 3.0-3.9 competent, 4.0-4.5 advanced, 4.6-5.0 best in class.
    [InlineData(1.0, Band.Critical)]
    [InlineData(1.9, Band.Critical)]
    [InlineData(2.0, Band.Developing)]
    [InlineData(2.9, Band.Developing)]
    [InlineData(3.0, Band.Competent)]
    [InlineData(3.9, Band.Competent)]
    [InlineData(4.0, Band.Advanced)]
    [InlineData(4.5, Band.Advanced)]
    [InlineData(4.6, Band.BestInClass)]
    [InlineData(5.0, Band.BestInClass)]
    public void Classify_band_bounds_are_inclusive(double score, Band expected)
    {
        Assert.Equal(expected, Bands.Classify(score).Band);
    }

    [Theory]
    // Scores between the written bounds are rounded to one decimal, halves away from zero, before classifying.
    [InlineData(1.94, Band.Critical)]
    [InlineData(1.95, Band.Developing)]
    [InlineData(2.95, Band.Competent)]
    [InlineData(3.95, Band.Advanced)]
    [InlineData(4.54, Band.Advanced)]
    [InlineData(4.55, Band.BestInClass)]
    public void Classify_score_between_bounds_rounds_to_one_decimal_first(double score, Band expected)
    {
        Assert.Equal(expected, Bands.Classify(score).Band);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(5.2)]
    [InlineData(double.NaN)]
    public void Classify_score_outside_one_to_five_throws(double score)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Bands.Classify(score));
    }

    [Fact]
    public void All_bands_cover_every_tenth_from_one_to_five_exactly_once()
    {
        for (var tenths = 10; tenths <= 50; tenths++)
        {
            var score = tenths / 10m;
            Assert.Single(Bands.All, b => score >= b.Min && score <= b.Max);
        }
    }

    [Fact]
    public void All_bands_have_a_next_step()
    {
        Assert.All(Bands.All, b => Assert.False(string.IsNullOrWhiteSpace(b.NextStep)));
        Assert.Equal(Bands.All.Length, Bands.All.Select(b => b.NextStep).Distinct().Count());
    }
}
