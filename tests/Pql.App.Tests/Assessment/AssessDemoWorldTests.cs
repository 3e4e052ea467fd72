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
}
