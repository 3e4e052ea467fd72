using System.Text;

namespace Pql.Core.Assessment;

/// <summary>The assessment as a Markdown document (for a wiki page, a pull request or a planning doc).</summary>
internal static class MarkdownReportRenderer
{
    public static string Render(AssessmentReport r)
    {
        var sb = new StringBuilder();
        sb.Append("# PLG maturity assessment\n\n");
        sb.Append(ReportText.Invariant($"**Overall score: {ReportText.Score(r.Score)} / 5 - {r.Band.Title}** (segment: {r.Segment.Title})\n\n"));
        sb.Append("| Segment figure | Score |\n|---|---|\n");
        sb.Append(ReportText.Invariant($"| Expected average | {ReportText.Score(r.Segment.Expected)} |\n"));
        sb.Append(ReportText.Invariant($"| Good | {ReportText.Score(r.Segment.Good)} |\n"));
        sb.Append(ReportText.Invariant($"| Alarm line | {ReportText.Score(r.Segment.Alarm)} |\n"));
        sb.Append(ReportText.Invariant($"| **This team** | **{ReportText.Score(r.Score)}** ({ReportText.Delta(r)} vs expected) |\n\n"));
        sb.Append("The score is ").Append(ReportText.Standing(r)).Append(".\n\n");

        var withEvidence = r.Evidence is not null;
        sb.Append("## Dimensions\n\n");
        sb.Append(withEvidence ? "| Dimension | Level | What it looks like | Data suggests |\n|---|---|---|---|\n"
                               : "| Dimension | Level | What it looks like |\n|---|---|---|\n");
        foreach (var d in r.Dimensions)
        {
            sb.Append(ReportText.Invariant($"| {d.Rubric.Title} | {d.Level} ({d.LevelName}) | {Cell(d.Description)} |"));
            if (withEvidence)
            {
                var suggestion = d.Suggestion is { } s ? ReportText.Invariant($"{s.Level}: {Cell(s.Reason)}") : "-";
                sb.Append(' ').Append(d.Disagrees ? "**" + suggestion + "** (differs)" : suggestion).Append(" |");
            }
            sb.Append('\n');
        }
        foreach (var d in r.Dimensions)
        {
            if (d.Warning is { } w)
                sb.Append("\n> **Warning** (").Append(d.Rubric.Title).Append("): ").Append(w).Append('\n');
        }
        sb.Append('\n');

        sb.Append("## Red flags\n\n");
        if (r.RedFlags.IsEmpty)
            sb.Append("None raised.\n");
        foreach (var f in r.RedFlags)
            sb.Append("- **").Append(Rubric.Of(f.Dimension).Title).Append("** (").Append(ReportText.Source(f.Source)).Append("): ").Append(f.Message).Append('\n');
        sb.Append('\n');

        if (r.Evidence is { } e)
        {
            sb.Append("## Evidence from the workspace\n\n| Fact | Value |\n|---|---|\n");
            foreach (var (label, value) in ReportText.EvidenceRows(e))
                sb.Append("| ").Append(label).Append(" | ").Append(Cell(value)).Append(" |\n");
            sb.Append('\n');
        }

        sb.Append("## Next steps\n\n");
        for (var i = 0; i < r.NextSteps.Length; i++)
            sb.Append(ReportText.Invariant($"{i + 1}. {r.NextSteps[i]}\n"));
        return sb.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
