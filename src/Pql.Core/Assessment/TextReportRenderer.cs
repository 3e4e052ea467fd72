using System.Text;

namespace Pql.Core.Assessment;

/// <summary>The assessment as a plain-text report for a terminal (no colour codes, so it pipes cleanly).</summary>
internal static class TextReportRenderer
{
    private const int Width = 92;
    private const string Indent = "      ";

    public static string Render(AssessmentReport r)
    {
        var sb = new StringBuilder();
        sb.Append("PLG maturity assessment - segment: ").Append(r.Segment.Title).Append('\n');
        sb.Append('\n');
        sb.Append("Overall score  ").Append(ReportText.Score(r.Score)).Append(" / 5  ").Append(r.Band.Title.ToUpperInvariant()).Append('\n');
        sb.Append(ReportText.Invariant($"Segment        expected {ReportText.Score(r.Segment.Expected)}, good {ReportText.Score(r.Segment.Good)}, alarm under {ReportText.Score(r.Segment.Alarm)}"))
          .Append('\n');
        sb.Append("               ").Append(ReportText.Delta(r)).Append(" vs expected: ").Append(ReportText.Standing(r)).Append('\n');
        sb.Append('\n');

        sb.Append("Dimensions\n");
        foreach (var d in r.Dimensions)
        {
            sb.Append("  ").Append(d.Rubric.Title.PadRight(34)).Append(ReportText.Invariant($"{d.Level} {d.LevelName,-10} "))
              .Append('[').Append('#', d.Level).Append('.', Rubric.MaxLevel - d.Level).Append("]\n");
            Wrapped(sb, d.Description, Indent);
            if (d.Suggestion is { } s)
                Wrapped(sb, ReportText.Invariant($"data suggests level {s.Level}: {s.Reason}"), Indent);
            if (d.Warning is { } warning)
                Wrapped(sb, "WARNING: " + warning, Indent);
        }
        sb.Append('\n');

        sb.Append("Red flags\n");
        if (r.RedFlags.IsEmpty)
            sb.Append("  none raised\n");
        foreach (var f in r.RedFlags)
            Wrapped(sb, $"! {Rubric.Of(f.Dimension).Title} ({ReportText.Source(f.Source)}): {f.Message}", "  ", "    ");
        sb.Append('\n');

        if (r.Evidence is { } e)
        {
            sb.Append("Evidence from the workspace\n");
            foreach (var (label, value) in ReportText.EvidenceRows(e))
                sb.Append("  ").Append(label.PadRight(28)).Append(value).Append('\n');
            sb.Append('\n');
        }

        sb.Append("Next steps\n");
        for (var i = 0; i < r.NextSteps.Length; i++)
            Wrapped(sb, ReportText.Invariant($"{i + 1}. {r.NextSteps[i]}"), "  ", "     ");
        return sb.ToString();
    }

    private static void Wrapped(StringBuilder sb, string text, string first, string? rest = null)
    {
        var prefix = first;
        foreach (var line in ReportText.Wrap(text, Width - first.Length))
        {
            sb.Append(prefix).Append(line).Append('\n');
            prefix = rest ?? first;
        }
    }
}
