namespace Pql.App.Tests;

public sealed class DemoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Demo_trains_and_scores_every_goal_and_prints_the_summary()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var ws = Path.Combine(_dir, "world");

        var code = Pql.Cli.CliApp.Run(["demo", "--out", ws, "--accounts", "600", "--days", "150"], output, error);

        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        foreach (var goal in new[] { "conversion", "expansion", "churn", "activation" })
        {
            Assert.Contains($"\n{goal} ", text);
            Assert.True(File.Exists(Path.Combine(ws, "scores", goal + ".csv")));
        }
        Assert.Contains("vs activity only", text);
        Assert.Contains("Top accounts for conversion", text);
        var scores = File.ReadAllLines(Path.Combine(ws, "scores", "conversion.csv"));
        Assert.Equal("entity_id,score,tier,top_drivers", scores[0]);
        Assert.Equal(scores.Length - 1, scores.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());
    }

    [Fact]
    public void Demo_refuses_to_overwrite_a_workspace_it_did_not_write()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "mine"));
        File.WriteAllText(Path.Combine(_dir, "mine", "pql.yaml"), "data: {}\n");
        var error = new StringWriter();

        var code = Pql.Cli.CliApp.Run(["demo", "--out", Path.Combine(_dir, "mine")], new StringWriter(), error);

        Assert.Equal(2, code);
        Assert.Contains("pql generate did not write", error.ToString());
        Assert.Equal("data: {}\n", File.ReadAllText(Path.Combine(_dir, "mine", "pql.yaml")));
    }
}
