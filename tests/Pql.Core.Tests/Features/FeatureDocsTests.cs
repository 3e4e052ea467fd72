using Pql.Core.Features;

namespace Pql.Core.Tests.Features;

public sealed class FeatureDocsTests
{
    /// <summary>Fails while docs/FEATURES.md differs from the catalogue; with PQL_UPDATE_DOCS=1 it rewrites the file.</summary>
    [Fact]
    public void Markdown_matches_docs_features_md()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "FEATURES.md");
        var expected = FeatureDocs.Markdown();

        if (Environment.GetEnvironmentVariable("PQL_UPDATE_DOCS") == "1")
            File.WriteAllText(path, expected);

        Assert.True(File.Exists(path), $"{path} is missing; run PQL_UPDATE_DOCS=1 dotnet test --filter FeatureDocsTests");
        Assert.True(expected == File.ReadAllText(path).ReplaceLineEndings("\n"),
            "docs/FEATURES.md is stale; run PQL_UPDATE_DOCS=1 dotnet test tests/Pql.Core.Tests --filter FeatureDocsTests");
    }

    [Fact]
    public void Markdown_lists_every_catalogue_feature()
    {
        var markdown = FeatureDocs.Markdown();

        foreach (var name in new[] { "activity.events_7d", "adoption.product_order", "synergy.docs_x_sheets.weeks_both", "integration.slack.added", "firmo.segment", "firmo.user_role" })
            Assert.Contains($"`{name}`", markdown, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pql.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Pql.slnx not found above " + AppContext.BaseDirectory);
    }
}
