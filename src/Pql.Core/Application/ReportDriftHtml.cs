using System.Globalization;
using System.Text;
using Pql.Core.Events;
using Pql.Core.Governance;
using static Pql.Core.Application.SvgChart;

namespace Pql.Core.Application;

/// <summary>
/// The drift section of the lift report, as HTML. <see cref="ReportHtml"/> renders it into the file <c>pql report</c> writes and the page
/// the server serves, so both show the same section.
/// </summary>
public static class ReportDriftHtml
{
    /// <summary>The id of the section (the report's table of contents and its tests find it by this).</summary>
    public const string Section = "drift";

    public static string Render(ReportDrift drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<section id=\"{Section}\"><h2>Drift</h2>")
          .Append("<p class=\"note\">Per feature and on the score, against the training snapshot of the current version. Numeric: Wasserstein-1 over the reference's ")
          .Append("standard deviation (0.1 = moved by a tenth of its usual spread); categorical: Jensen-Shannon distance. PSI is shown beside them and does not decide.</p>");
        if (drift.Report is not { } r)
            return sb.Append("<p class=\"drift-unavailable\">No drift measure: ").Append(Esc(drift.Unavailable ?? "")).Append("</p></section>").ToString();

        var drifted = r.Drifted;
        sb.Append(CultureInfo.InvariantCulture,
            $"<p>Version {Esc(r.Version)}: training snapshot at {Timestamps.Format(r.ReferenceAsOfMs)}, measured at {Timestamps.Format(r.AsOfMs)}, threshold {F(r.Threshold)}. ")
          .Append(drifted.Count == 0
              ? "<span class=\"ok\">No drift above the threshold.</span>"
              : $"<span class=\"bad\">Drifted ({drifted.Count}): {Esc(ReportDrift.Names(drifted))}</span>")
          .Append("</p>");
        var top = ReportDrift.Top(r.All);
        var bars = top.Prepend(r.All.Score).Select(f => (f.Feature, f.Distance, double.NaN, double.NaN)).ToList();
        var max = Math.Max(r.Threshold * 1.5, bars.Select(b => double.IsFinite(b.Distance) ? b.Distance : 0).DefaultIfEmpty(0).Max());
        sb.Append(Bars("drift distance, all entities", bars, max, v => F(v, "0.00")));
        foreach (var group in r.Segments.Prepend(r.All))
            Group(sb, r, group);
        return sb.Append("</section>").ToString();
    }

    private static void Group(StringBuilder sb, DriftReport report, DriftGroup group)
    {
        var title = group.Segment == TrainingSnapshot.Overall ? "All entities" : $"{report.SegmentAttribute} = {group.Segment}";
        var shown = ReportDrift.Top(group);
        sb.Append(CultureInfo.InvariantCulture, $"<h3>{Esc(title)}: {group.ReferenceRows:N0} at training, {group.CurrentRows:N0} now</h3>")
          .Append("<table class=\"drift-group\"><tr><th>feature</th><th>method</th><th>distance</th><th>PSI</th><th>drifted</th></tr>");
        foreach (var f in shown.Prepend(group.Score))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(f.Feature)}</td><td>{Esc(f.Method)}</td><td>{F(f.Distance, "0.0000")}</td><td>{F(f.Psi, "0.0000")}</td>")
              .Append(f.Drifted ? "<td class=\"bad\">yes</td>" : "<td></td>").Append("</tr>");
        }
        sb.Append("</table>");
        if (group.Features.Count > shown.Count)
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{group.Features.Count - shown.Count} more feature(s) with smaller distances: pql drift --format json lists every one.</p>");
    }
}
