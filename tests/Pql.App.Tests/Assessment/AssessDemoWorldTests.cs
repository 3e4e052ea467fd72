using System.Text.Json;
using Pql.Cli;
using Pql.Core.Demo;

namespace Pql.App.Tests.Assessment;

/// <summary><c>pql assess --workspace</c> on a small generated demo world: the evidence a new user sees first.</summary>
public sealed class AssessDemoWorldTests : IDisposable
{
    private readonly string _dir = Path.Combine(Directory.CreateTempSubdirectory("pql-assess-demo-").FullName, "world");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);

    [Fact]
    public void Assess_demo_world_measures_activation_and_suggests_a_level_for_each_dimension_the_data_covers()
    {
        WorldGenerator.Generate(new WorldOptions { Accounts = 150, Days = 75, Seed = 11, OutputDirectory = _dir, MaxDegreeOfParallelism = 1 });
        File.WriteAllText(Path.Combine(_dir, "answers.json"),
            """{ "segment": "pure_plg", "levels": { "data_integration": 3, "activation": 3, "usage_campaigns": 2, "pql": 2, "feedback_loop": 3 } }""");
        var output = new StringWriter();
        var error = new StringWriter();

        var code = CliApp.Run(["assess", "--answers", Path.Combine(_dir, "answers.json"), "--workspace", _dir, "--format", "json"], output, error);

        Assert.True(code == 0, error.ToString());
        using var doc = JsonDocument.Parse(output.ToString());
        var evidence = doc.RootElement.GetProperty("evidence");
        Assert.Equal("activation", evidence.GetProperty("activation_goal").GetString());
        Assert.True(evidence.GetProperty("activation_cohort").GetInt32() > 0);
        Assert.InRange(evidence.GetProperty("activation_rate").GetDouble(), 0.0, 1.0);
        Assert.True(evidence.GetProperty("median_hours_to_activation").GetDouble() > 0);
        Assert.True(evidence.GetProperty("distinct_event_names").GetInt32() >= 10);
        Assert.Equal(4, evidence.GetProperty("products_tracked").GetInt32());
        Assert.True(evidence.GetProperty("tiers_configured").GetBoolean());
        var suggested = doc.RootElement.GetProperty("dimensions").EnumerateArray()
            .ToDictionary(d => d.GetProperty("key").GetString()!, d => d.GetProperty("suggested").ValueKind != JsonValueKind.Null);
        Assert.True(suggested["data_integration"]);
        Assert.True(suggested["activation"]);
        Assert.True(suggested["usage_campaigns"]);
        Assert.True(suggested["pql"]);
        Assert.False(suggested["feedback_loop"]);
    }

    [Fact]
    public void Assess_demo_world_after_train_and_score_shows_the_pql_model_figures()
    {
        WorldGenerator.Generate(new WorldOptions { Accounts = 150, Days = 75, Seed = 11, OutputDirectory = _dir, MaxDegreeOfParallelism = 1 });
        var error = new StringWriter();
        Assert.True(CliApp.Run(["train", "--workspace", _dir, "--goal", "conversion"], new StringWriter(), error) == 0, error.ToString());
        Assert.True(CliApp.Run(["score", "--workspace", _dir, "--goal", "conversion", "--out", Path.Combine(_dir, "scores.csv")], new StringWriter(), error) == 0,
            error.ToString());
        var output = new StringWriter();

        var code = CliApp.Run(["assess", "--segment", "pure_plg", "--answers", Answers(), "--workspace", _dir, "--format", "json"], output, error);

        Assert.True(code == 0, error.ToString());
        using var doc = JsonDocument.Parse(output.ToString());
        var model = doc.RootElement.GetProperty("evidence").GetProperty("model");
        Assert.Equal("conversion", model.GetProperty("goal").GetString());
        Assert.True(model.GetProperty("has_model").GetBoolean());
        Assert.True(model.GetProperty("tracks_conversion").GetBoolean());
        Assert.True(model.GetProperty("held_out_lift").GetDouble() > 1.0);
        var pql = doc.RootElement.GetProperty("dimensions")[3];
        Assert.True(pql.GetProperty("suggested").GetProperty("level").GetInt32() >= 3);
    }

    private string Answers()
    {
        var path = Path.Combine(_dir, "answers.yaml");
        File.WriteAllText(path, "levels: { data_integration: 3, activation: 3, usage_campaigns: 2, pql: 2, feedback_loop: 3 }\n");
        return path;
    }
}
