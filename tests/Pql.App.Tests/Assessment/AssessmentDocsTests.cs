using Pql.Core.Assessment;

namespace Pql.App.Tests.Assessment;

/// <summary>docs/ASSESSMENT.md quotes the rubric; these tests keep the two from drifting apart.</summary>
public sealed class AssessmentDocsTests
{
    private static string Docs()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pql.slnx")))
            dir = dir.Parent;
        return File.ReadAllText(Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Pql.slnx not found"), "docs", "ASSESSMENT.md"));
    }

    [Fact]
    public void Docs_quote_every_level_description_band_step_segment_and_red_flag()
    {
        var docs = Docs();

        foreach (var d in Rubric.Dimensions)
        {
            Assert.Contains($"(`{d.Key}`)", docs);
            foreach (var level in d.Levels)
                Assert.Contains(level, docs);
        }
        foreach (var band in Bands.All)
            Assert.Contains(band.NextStep, docs);
        foreach (var segment in Segments.All)
            Assert.Contains($"| {segment.Title} | `{segment.Key}` | {segment.Expected:0.0} | {segment.Good:0.0} | {segment.Alarm:0.0} |", docs);
        foreach (var rule in RedFlags.Rules)
            Assert.Contains($"| `{rule.Id}` |", docs);
    }
}
