using System.Text.Json;
using Pql.Core.Assessment;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Assessment;

public sealed class AssessmentRendererTests
{
    private static AssessmentReport Report(AssessmentEvidence? evidence = null) =>
        AssessmentScorer.Score(AssessmentSamples.Answers(dataIntegration: 1, activation: 4, campaigns: 2, pql: 2, feedback: 3), evidence);

    private static AssessmentEvidence Evidence() => AssessmentSamples.HealthyEvidence() with
    {
        ActivationRate = 0.1,
        ActivatedCount = 10,
        TriggersConfigured = 0,
        LatencyMedianMs = 90_000,
        LatencyP95Ms = 600_000,
        Model = new ModelEvidence("conversion", true, true, Lift: 2.5, HighTierConversionShare: 0.62, Conversions: 40),
    };

    [Fact]
    public void Render_text_shows_score_band_segment_dimensions_flags_and_steps()
    {
        var text = AssessmentRenderer.Render(Report(), ReportFormat.Text);

        Assert.Contains("Overall score  2.4 / 5  DEVELOPING", text);
        Assert.Contains("expected 2.8, good 3.5, alarm under 2.0", text);
        Assert.Contains("-0.4 vs expected", text);
        Assert.Contains("Data integration", text);
        Assert.Contains("1 ad hoc", text);
        Assert.Contains("! Data integration (answers):", text);
        Assert.Contains("1. " + Bands.Of(Band.Developing).NextStep[..20], text);
        Assert.DoesNotContain("Evidence from the workspace", text);
        Assert.DoesNotContain("\u001b", text);
    }

    [Fact]
    public void Render_text_with_evidence_shows_measured_facts_suggestions_and_warnings()
    {
        var text = AssessmentRenderer.Render(Report(Evidence()), ReportFormat.Text);

        Assert.Contains("Evidence from the workspace", text);
        Assert.Contains("10% (10 of 100 sign-ups)", text);
        Assert.Contains("median 1.5 min, p95 10 min", text);
        Assert.Contains("lift 2.5x after scoring, 62% of conversions from high tiers (40 conversions)", text);
        Assert.Contains("data suggests level 4", text);
        Assert.Contains("WARNING: Self-assessed at level 1, but the data supports level 4", text);
        Assert.Contains("(data): Only 10% of sign-ups activate within 14 days.", text);
    }

    [Fact]
    public void Render_markdown_has_headings_tables_and_warnings()
    {
        var md = AssessmentRenderer.Render(Report(Evidence()), ReportFormat.Markdown);

        Assert.StartsWith("# PLG maturity assessment\n", md);
        Assert.Contains("**Overall score: 2.4 / 5 - Developing**", md);
        Assert.Contains("| Dimension | Level | What it looks like | Data suggests |", md);
        Assert.Contains("| Data integration | 1 (ad hoc) |", md);
        Assert.Contains("(differs)", md);
        Assert.Contains("> **Warning** (Data integration)", md);
        Assert.Contains("## Red flags", md);
        Assert.Contains("## Evidence from the workspace", md);
        Assert.Contains("## Next steps\n\n1. ", md);
    }

    [Fact]
    public void Render_json_round_trips_the_figures()
    {
        var json = AssessmentRenderer.Render(Report(Evidence()), ReportFormat.Json);

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(2.4m, root.GetProperty("score").GetDecimal());
        Assert.Equal("developing", root.GetProperty("band").GetProperty("key").GetString());
        Assert.Equal("pure_plg", root.GetProperty("segment").GetProperty("key").GetString());
        Assert.Equal("below_expected", root.GetProperty("segment").GetProperty("standing").GetString());
        Assert.Equal(-0.4m, root.GetProperty("segment").GetProperty("delta_vs_expected").GetDecimal());
        var dims = root.GetProperty("dimensions");
        Assert.Equal(5, dims.GetArrayLength());
        Assert.Equal("data_integration", dims[0].GetProperty("key").GetString());
        Assert.Equal(4, dims[0].GetProperty("suggested").GetProperty("level").GetInt32());
        Assert.NotNull(dims[0].GetProperty("warning").GetString());
        Assert.Equal(JsonValueKind.Null, dims[4].GetProperty("suggested").ValueKind);
        Assert.Contains(root.GetProperty("red_flags").EnumerateArray(), f => f.GetProperty("id").GetString() == "low_activation"
            && f.GetProperty("source").GetString() == "evidence");
        Assert.Equal(0.1, root.GetProperty("evidence").GetProperty("activation_rate").GetDouble(), 12);
        Assert.Equal(2.5, root.GetProperty("evidence").GetProperty("model").GetProperty("lift").GetDouble(), 12);
        Assert.True(root.GetProperty("next_steps").GetArrayLength() >= 2);
    }

    [Fact]
    public void Render_json_without_evidence_writes_null()
    {
        using var doc = JsonDocument.Parse(AssessmentRenderer.Render(Report(), ReportFormat.Json));

        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("evidence").ValueKind);
    }

    [Theory]
    [InlineData(null, ReportFormat.Text)]
    [InlineData("markdown", ReportFormat.Markdown)]
    [InlineData("MD", ReportFormat.Markdown)]
    [InlineData("json", ReportFormat.Json)]
    public void ParseFormat_accepts_the_three_formats(string? text, ReportFormat expected)
    {
        Assert.Equal(expected, AssessmentRenderer.ParseFormat(text));
    }

    [Fact]
    public void ParseFormat_unknown_is_an_input_error()
    {
        var ex = Assert.Throws<PqlInputException>(() => AssessmentRenderer.ParseFormat("html"));

        Assert.Contains("--format: 'html'", ex.Message);
    }
}
