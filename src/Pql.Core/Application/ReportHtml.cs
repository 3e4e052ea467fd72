using System.Globalization;
using System.Text;
using Pql.Core.Events;
using Pql.Core.Governance;
using Pql.Core.Scoring;
using static Pql.Core.Application.SvgChart;

namespace Pql.Core.Application;

/// <summary>
/// Renders <see cref="ReportData"/> as one self-contained HTML file: inline CSS and SVG, no script, nothing fetched, so it opens from disk
/// or an e-mail attachment with no network.
/// </summary>
public static class ReportHtml
{
    public static string Render(ReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pql report: ").Append(Esc(data.Goal.Name)).Append("</title><style>")
          .Append("body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}")
          .Append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}")
          .Append(".estimate{background:#fff4ce;padding:2px 6px;border-radius:3px}.ok{color:#137333}.bad{color:#b3261e}.grid{display:flex;flex-wrap:wrap;gap:24px}.note{color:#555}")
          .Append("</style></head><body>");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>pql report: {Esc(data.Goal.Name)}</h1><p class=\"note\">{Esc(GoalTrainer.Describe(data.Goal))}. Generated {Timestamps.Format(data.GeneratedMs)}; data up to {Timestamps.Format(data.DataEndMs)}.</p>");
        Performance(sb, data);
        Tiers(sb, data.Evaluated);
        Playbooks(sb, data.Playbooks);
        Curves(sb, data.Evaluated);
        Flow(sb, data.Flow);
        Feedback(sb, data);
        sb.Append(ReportDriftHtml.Render(data.Drift));
        Health(sb, data.Health);
        return sb.Append("</body></html>").ToString();
    }

    private static string Pct(double v) => double.IsFinite(v) ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Flag(bool estimated) => estimated ? "<span class=\"estimate\">estimate</span>" : "realized";

    private static void Performance(StringBuilder sb, ReportData data)
    {
        sb.Append("<section id=\"performance\"><h2>Performance before and after outcomes</h2>")
          .Append("<p class=\"note\">Realized: measured against what happened once the run's horizon passed. Estimate: no outcome yet; expected from the calibrated scores (confidence-based estimation).</p>")
          .Append("<table><tr><th>run</th><th>as of</th><th>horizon ends</th><th>figures</th><th>rows</th><th>achievers</th><th>ROC AUC</th><th>lift, top 10%</th></tr>");
        foreach (var p in data.Performance)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(p.RunId)}</td><td>{Timestamps.Format(p.AsOfMs)}</td><td>{Timestamps.Format(p.HorizonEndMs)}</td><td>{Flag(p.Estimated)}</td>")
              .Append(CultureInfo.InvariantCulture, $"<td>{p.Overall.Rows:N0}</td><td>{F(p.Overall.Achievers, "0.#")}</td><td>{F(p.Overall.RocAuc)}</td><td>{F(p.Overall.LiftTopDecile, "0.00")}</td></tr>");
        }
        sb.Append("</table>");
        if (data.Evaluated is { Segments.Count: > 0 } e)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<h3>Per segment, run {Esc(e.RunId)} ({Flag(e.Estimated)})</h3><table><tr><th>segment</th><th>rows</th><th>achievers</th><th>ROC AUC</th><th>lift, top 10%</th></tr>");
            foreach (var s in e.Segments)
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(s.Segment)}</td><td>{s.Rows:N0}</td><td>{F(s.Achievers, "0.#")}</td><td>{F(s.RocAuc)}</td><td>{F(s.LiftTopDecile, "0.00")}</td></tr>");
            sb.Append("</table>");
        }
        sb.Append("</section>");
    }

    private static void Tiers(StringBuilder sb, RunPerformanceReport? run)
    {
        sb.Append("<section id=\"tiers\"><h2>Achievement rate per tier</h2>");
        if (run is null || run.Estimated || run.Overall.Tiers.Count == 0)
        {
            sb.Append("<p class=\"note\">No run's horizon has passed yet, so no tier has an observed achievement rate.</p></section>");
            return;
        }
        var max = Math.Max(0.05, run.Overall.Tiers.Max(t => double.IsFinite(t.Rate.High) ? t.Rate.High : t.Rate.Estimate));
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">Run {Esc(run.RunId)}: the share of each tier's entities that achieved the goal within the horizon, with bootstrap 95% intervals.</p>")
          .Append(Bars("achievement rate per tier", [.. run.Overall.Tiers.Select(t => (t.Tier, t.Rate.Estimate, t.Rate.Low, t.Rate.High))], max, Pct))
          .Append("<table><tr><th>tier</th><th>entities</th><th>achieved</th><th>rate</th><th>95% interval</th></tr>");
        foreach (var t in run.Overall.Tiers)
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(t.Tier)}</td><td>{t.Rows:N0}</td><td>{t.Achieved:N0}</td><td>{Pct(t.Rate.Estimate)}</td><td>{Pct(t.Rate.Low)} to {Pct(t.Rate.High)}</td></tr>");
        sb.Append("</table></section>");
    }

    private static void Playbooks(StringBuilder sb, IReadOnlyList<PlaybookComparison> playbooks)
    {
        sb.Append("<section id=\"playbooks\"><h2>Treated versus control per playbook</h2>")
          .Append("<p class=\"note\">Control: entities the playbook fired for but held out at random (stable hash); treated: those acted on. Rates count firings whose horizon has passed; intervals are 95% (Wilson for rates, Newcombe for the difference, Katz for the ratio).</p>");
        if (playbooks.Count == 0)
        {
            sb.Append("<p>No playbook fired for this goal.</p></section>");
            return;
        }
        sb.Append("<table><tr><th>playbook</th><th>treated</th><th>control</th><th>suppressed</th><th>outbox</th><th>held out</th><th>treated rate</th><th>control rate</th><th>absolute lift</th><th>relative lift</th></tr>");
        foreach (var p in playbooks)
        {
            var l = p.Lift;
            var bounds = p.ConfiguredHoldout > 0
                ? $"{Pct(p.HoldoutShare)} of {Pct(p.ConfiguredHoldout)} <span class=\"{(p.HoldoutWithinBounds ? "ok" : "bad")}\">({p.ShareLow}-{p.ShareHigh}: {(p.HoldoutWithinBounds ? "within" : "outside")} bounds)</span>"
                : "none configured";
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(p.Playbook)}</td><td>{p.Treated:N0}</td><td>{p.Control:N0}</td><td>{p.Suppressed:N0}</td><td>{p.OutboxEntities:N0}</td><td>{bounds}</td>")
              .Append(CultureInfo.InvariantCulture, $"<td>{Pct(l.Treated.Rate)} ({l.Treated.Count}/{l.Treated.Total}; {Pct(l.Treated.Low)} to {Pct(l.Treated.High)})</td>")
              .Append(CultureInfo.InvariantCulture, $"<td>{Pct(l.Control.Rate)} ({l.Control.Count}/{l.Control.Total}; {Pct(l.Control.Low)} to {Pct(l.Control.High)})</td>")
              .Append(CultureInfo.InvariantCulture, $"<td>{Pct(l.AbsoluteLift)} ({Pct(l.AbsoluteLow)} to {Pct(l.AbsoluteHigh)})</td><td>{Pct(l.RelativeLift)} ({Pct(l.RelativeLow)} to {Pct(l.RelativeHigh)})</td></tr>");
        }
        sb.Append("</table>");
        var bars = playbooks.SelectMany(p => new[] { (p.Playbook + " treated", p.Lift.Treated.Rate, p.Lift.Treated.Low, p.Lift.Treated.High),
            (p.Playbook + " control", p.Lift.Control.Rate, p.Lift.Control.Low, p.Lift.Control.High) }).ToList();
        var max = Math.Max(0.05, bars.Max(b => double.IsFinite(b.High) ? b.High : 0));
        sb.Append(Bars("treated versus control achievement rate", bars, max, Pct)).Append("</section>");
    }

    private static void Curves(StringBuilder sb, RunPerformanceReport? run)
    {
        sb.Append("<section id=\"curves\"><h2>Lift curve and calibration</h2>");
        if (run is null)
        {
            sb.Append("<p>No scored run yet.</p></section>");
            return;
        }
        var lift = run.Overall.LiftCurve;
        var maxLift = Math.Max(2, Math.Ceiling(lift.Where(p => double.IsFinite(p.Lift)).Select(p => p.Lift).DefaultIfEmpty(1).Max()));
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">Run {Esc(run.RunId)} ({Flag(run.Estimated)}). Left: achievement rate among the top x% of scores over the base rate. Right: mean score against observed rate per score decile.</p><div class=\"grid\"><div>")
          .Append(Line("lift curve", [.. lift.Select(p => (p.Share, p.Lift))], maxLift, v => F(v, "0.0") + "x", _ => 1, dots: true)).Append("</div><div>");
        if (run.Estimated)
            sb.Append("<p class=\"note\">Calibration needs outcomes: it appears once the run's horizon has passed.</p>");
        else
        {
            var bins = run.Overall.Calibration;
            var max = Math.Max(0.05, bins.Select(b => Math.Max(b.MeanPredicted, b.ObservedRate)).DefaultIfEmpty(0).Max());
            sb.Append(Line("calibration", [.. bins.Select(b => (b.MeanPredicted / max, b.ObservedRate))], max, Pct, x => x * max, dots: true))
              .Append("<p class=\"note\">x: mean predicted (scaled to the chart), y: observed; dashed: perfect calibration.</p>");
        }
        sb.Append("</div></div></section>");
    }

    private static void Flow(StringBuilder sb, TierFlow? flow)
    {
        sb.Append("<section id=\"flow\"><h2>Tier flow between runs</h2>");
        if (flow is null)
        {
            sb.Append("<p>Only one run so far.</p></section>");
            return;
        }
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">From run {Esc(flow.PreviousRunId)} (rows) to run {Esc(flow.LatestRunId)} (columns).</p><table><tr><th>from \\ to</th>");
        foreach (var t in flow.Tiers)
            sb.Append("<th>").Append(Esc(t)).Append("</th>");
        sb.Append("</tr>");
        var max = Math.Max(1, flow.Counts.Values.DefaultIfEmpty(0).Max());
        foreach (var from in flow.Tiers)
        {
            sb.Append("<tr><td>").Append(Esc(from)).Append("</td>");
            foreach (var to in flow.Tiers)
            {
                var n = flow.Counts.GetValueOrDefault((from, to));
                sb.Append(CultureInfo.InvariantCulture, $"<td style=\"background:rgba(43,108,176,{F(0.6 * n / max, "0.00")})\">{(n == 0 ? "" : n.ToString("N0", CultureInfo.InvariantCulture))}</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</table></section>");
    }

    private static void Feedback(StringBuilder sb, ReportData data)
    {
        sb.Append("<section id=\"feedback\"><h2>Feedback and overrides</h2><table><tr><th>feedback</th><th>count</th></tr>");
        foreach (var kind in Enum.GetValues<FeedbackKind>())
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{State.FeedbackKinds.Name(kind).Replace('_', ' ')}</td><td>{data.Feedback.GetValueOrDefault(kind)}</td></tr>");
        sb.Append(CultureInfo.InvariantCulture, $"</table><p>{data.OverridesInForce} override(s) in force.</p><p class=\"note\">The next retrain leaves disqualified entities out during their cool-down and weighs confirmed false positives and negatives double; the model card records it.</p></section>");
    }

    private static void Health(StringBuilder sb, IReadOnlyList<AccountHealth> health)
    {
        sb.Append("<section id=\"health\"><h2>Account health index</h2>")
          .Append("<p class=\"note\">health = round(100 × (2 × mean over churn-type goals of (1 − percentile) + mean over opportunity goals of percentile) / 3), percentiles among each goal's latest scores; 100 is healthiest.</p>");
        if (health.Count == 0)
        {
            sb.Append("<p>No account goal scored yet.</p></section>");
            return;
        }
        var bins = new int[10];
        foreach (var h in health)
            bins[Math.Min(9, h.Index / 10)]++;
        sb.Append(Bars("accounts per health band", [.. bins.Select((n, i) => ($"{i * 10}-{(i == 9 ? 100 : i * 10 + 9)}", (double)n, double.NaN, double.NaN))],
            Math.Max(1, bins.Max()), v => F(v, "0")));
        sb.Append("<h3>Least healthy accounts</h3><table><tr><th>account</th><th>health</th><th>parts</th></tr>");
        foreach (var h in health.Take(10))
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(h.AccountId)}</td><td>{h.Index}</td><td>{Esc(string.Join(", ", h.Parts.Select(p => $"{p.Goal} {(p.Risk ? "risk" : "opportunity")} p{F(100 * p.Percentile, "0")}")))}</td></tr>");
        sb.Append("</table></section>");
    }
}
