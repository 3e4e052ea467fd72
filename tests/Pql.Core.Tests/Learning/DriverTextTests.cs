using Pql.Core.Features;
using Pql.Core.Scoring;

namespace Pql.Core.Tests.Learning;

public sealed class DriverTextTests
{
    [Fact]
    public void Category_values_are_named_and_sentences_read_the_description()
    {
        var column = new FeatureColumn
        {
            Name = "firmo.industry",
            Kind = FeatureKind.Categorical,
            Levels = ["retail", "fintech"],
            Values = [1f],
            Description = "The account attribute 'industry' (categorical).",
        };

        var level = DriverText.LevelName(column, 1f);
        var text = DriverText.Sentence(column, column.Name, 1, level, 0.0412);

        Assert.Equal("fintech", level);
        Assert.Null(DriverText.LevelName(column, float.NaN));
        Assert.Equal("The account attribute 'industry': fintech (+4.1 points)", text);
        Assert.Equal("x.y: none (-0.5 points)", DriverText.Sentence(null, "x.y", double.NaN, null, -0.005));
    }

    [Fact]
    public void Score_file_drivers_keep_their_keys_and_add_the_name_and_the_text()
    {
        var json = ScoreCsv.DriversJson([
            new Driver("firmo.industry", 1, 0.0412) { ValueName = "fintech", Text = "industry: fintech (+4.1 points)" },
            new Driver("activity.events_7d", 12, -0.01),
        ]);

        Assert.Equal("""[{"feature":"firmo.industry","value":"fintech","contribution":0.0412,"text":"industry: fintech (\u002B4.1 points)"},{"feature":"activity.events_7d","value":12,"contribution":-0.01}]""", json);
    }
}
