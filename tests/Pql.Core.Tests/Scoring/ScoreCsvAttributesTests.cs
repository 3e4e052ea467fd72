using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Scoring;

public sealed class ScoreCsvAttributesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-scorecsv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ScoreRun Run() => new("r1", "conversion", "v1", "gbdt", 0, 0,
    [
        new EntityScore("acme", 0.9, "high_touch", [new Driver("firmo.industry", 1, 0.2) { ValueName = "fintech", Text = "industry: fintech (+20.0 points)" }],
            new Dictionary<string, string> { ["name"] = "Acme, Inc.", ["owner"] = "ann" }),
        new EntityScore("beta", 0.1, "nurture", [], new Dictionary<string, string> { ["owner"] = "bob" }),
    ]);

    [Fact]
    public void Default_file_keeps_exactly_the_contract_columns()
    {
        var path = Path.Combine(_dir, "s.csv");

        ScoreCsv.Write(Run(), path);

        var lines = File.ReadAllLines(path);
        Assert.Equal("entity_id,score,tier,top_drivers", lines[0]);
        Assert.Equal("""acme,0.9,high_touch,"[{""feature"":""firmo.industry"",""value"":""fintech"",""contribution"":0.2,""text"":""industry: fintech (\u002B20.0 points)""}]" """.TrimEnd(), lines[1]);
        Assert.Equal("beta,0.1,nurture,[]", lines[2]);
    }

    [Fact]
    public void Asked_attributes_follow_the_four_in_order_and_a_missing_one_is_empty()
    {
        var path = Path.Combine(_dir, "s.csv");

        ScoreCsv.Write(Run(), path, ["name", "owner"]);

        var lines = File.ReadAllLines(path);
        Assert.Equal("entity_id,score,tier,top_drivers,name,owner", lines[0]);
        Assert.EndsWith(""","Acme, Inc.",ann""", lines[1]);
        Assert.Equal("beta,0.1,nurture,[],,bob", lines[2]);
    }

    [Theory]
    [InlineData("segment", "'segment' is not an attribute of the accounts (known: name, owner)")]
    [InlineData("score", "'score' is already one of the contract's columns")]
    public void Unknown_or_clashing_attributes_are_one_clear_line(string wanted, string expected)
    {
        var ex = Assert.Throws<PqlInputException>(() => ScoreCsv.CheckAttributes([wanted], ["name", "owner"], "account"));

        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("--with-attributes:", ex.Message);
    }
}
