using Pql.Core.Learning;
using Pql.Core.Learning.Artifacts;

namespace Pql.Core.Tests.Learning;

public sealed class ModelArtifactTests
{
    [Theory]
    [InlineData("gbdt")]
    [InlineData("logistic")]
    [InlineData("rules")]
    public void Save_then_load_gives_bit_identical_predictions_and_explanations(string kind)
    {
        var (m, y) = SomeData.Table(1200, 31);
        var (v, vy) = SomeData.Table(600, 32);
        var request = new TrainingRequest
        {
            Threads = 1,
            PinnedModel = kind,
            RuleWeights = new Dictionary<string, double> { ["activity.x0"] = 2, ["activity.x1"] = -1 },
            GbdtOptions = new GbdtOptions { Trees = 15 },
        };
        var result = ModelTrainer.Train(m, y, v, vy, request);
        var artifact = ModelArtifact.Create(result, v) with { Metadata = new() { ["goal"] = "conversion", ["horizon"] = "30d" } };
        var path = Path.Combine(Path.GetTempPath(), $"pql-artifact-{kind}-{Guid.NewGuid():N}.json");

        artifact.Save(path);
        var loaded = ModelArtifact.Load(path);
        File.Delete(path);
        var again = loaded.ToModel();

        Assert.Equal(kind, again.Kind);
        Assert.Equal(result.Best.PredictProbability(v), again.PredictProbability(v));
        Assert.Equal(result.Best.Explain(v, 3).Contributions, again.Explain(v, 3).Contributions);
        Assert.Equal("conversion", loaded.Metadata["goal"]);
        Assert.Equal(3, loaded.Candidates.Count);
        Assert.Equal(result.Candidates[0].Metrics.RocAuc, loaded.Candidates[0].Metrics.RocAuc);
    }

    [Fact]
    public void Load_newer_format_version_says_to_upgrade()
    {
        var json = ModelArtifact.FromModel(ModelFitter.FitRules(SomeData.Table(50, 1).Matrix, new Dictionary<string, double> { ["activity.x1"] = 1 }))
            .ToJson().Replace("\"format_version\": 1", "\"format_version\": 99", StringComparison.Ordinal);

        var ex = Assert.Throws<Pql.Core.Ingest.DataLoadException>(() => ModelArtifact.FromJson(json));

        Assert.Contains("upgrade", ex.Message);
    }

    [Fact]
    public void RenderMarkdown_lists_every_candidate_and_top_inputs()
    {
        var (m, y) = SomeData.Table(800, 33);
        var (v, vy) = SomeData.Table(400, 34);
        var result = ModelTrainer.Train(m, y, v, vy, new TrainingRequest { Threads = 1, GbdtOptions = new GbdtOptions { Trees = 10 } });
        var artifact = ModelArtifact.Create(result, v) with { Metadata = new() { ["goal"] = "conversion" } };

        var md = ModelCard.RenderMarkdown(artifact);

        Assert.Contains("# Model card: conversion", md);
        Assert.Contains("| gbdt", md);
        Assert.Contains("| logistic", md);
        Assert.Contains("(chosen)", md);
        Assert.Contains("`activity.x0`", md);
        Assert.Contains("Known limitations", md);
    }
}
