using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pql.Core.Events;
using Pql.Core.Learning.Evaluation;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>Renders a <see cref="BacktestReport"/> as text (terminal), markdown (a README table) or JSON.</summary>
public static class BacktestRenderer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    public static string Render(BacktestReport report, string format) => format switch
    {
        "text" => Text(report),
        "markdown" => Markdown(report),
        "json" => Json(report),
        _ => throw new PqlInputException($"--format: '{format}' is not a format; use text, markdown or json"),
    };

    private static string Text(BacktestReport r)
    {
        var o = new StringBuilder();
        foreach (var w in r.Windows)
        {
            Header(o, r, w);
            o.AppendLine("  scores            ROC AUC [95% CI]        PR AUC [95% CI]         lift@10% [95% CI]     Brier    calib.err  ROC vs kept          PR vs kept");
            foreach (var c in w.Candidates)
            {
                var m = c.Metrics;
                o.AppendLine(string.Create(Inv,
                    $"  {Label(c),-15} {Cell(m.RocAuc, "F4"),-23} {Cell(m.PrAuc, "F4"),-23} {Cell(m.LiftTopDecile, "F2"),-21} {m.Brier.Estimate,7:F4}  {m.CalibrationError.Estimate,8:F4}  {Delta(c, c.RocAucVsKept),-20} {Delta(c, c.PrAucVsKept)}"));
            }
            o.AppendLine("  achievement rate per tier [95% CI]:");
            foreach (var c in w.Candidates)
                o.AppendLine($"    {Label(c),-15} {string.Join("   ", c.Metrics.Tiers.Select(TierCell))}");
            foreach (var c in w.Candidates.Where(c => c.Missing > 0))
                o.AppendLine(string.Create(Inv, $"  note: {c.Name} has no score for {c.Missing:N0} eligible entities; they rank last"));
            o.AppendLine();
        }
        if (r.Windows.Count > 1)
        {
            o.AppendLine(string.Create(Inv, $"over {r.Windows.Count} windows (mean ± sd):"));
            o.AppendLine("  scores          ROC AUC            PR AUC             lift@10%         Brier");
            foreach (var s in r.Summary)
                o.AppendLine(string.Create(Inv, $"  {s.Name,-15} {s.RocAucMean:F4} ± {s.RocAucSd:F4}  {s.PrAucMean:F4} ± {s.PrAucSd:F4}  {s.LiftMean,5:F2} ± {s.LiftSd:F2}    {s.BrierMean:F4} ± {s.BrierSd:F4}"));
        }
        return o.ToString();
    }

    private static void Header(StringBuilder o, BacktestReport r, BacktestWindow w)
    {
        var first = w.Candidates[0].Metrics;
        o.AppendLine(string.Create(Inv,
            $"goal {r.Goal}: scored at {Timestamps.Format(w.At)}, outcomes in the next {Duration.Format(r.HorizonMs)}: {first.Rows:N0} eligible, {first.Positives:N0} achieved ({100.0 * first.Positives / Math.Max(1, first.Rows):F1}%)"));
        o.AppendLine(string.Create(Inv,
            $"  engine trained on {w.TrainRows:N0} rows ({w.TrainPositives:N0} achieved), {w.Features} features, labels all known by {Timestamps.Format(w.At)}"));
    }

    private static string Markdown(BacktestReport r)
    {
        var o = new StringBuilder();
        foreach (var w in r.Windows)
        {
            var first = w.Candidates[0].Metrics;
            o.AppendLine(string.Create(Inv,
                $"Goal `{r.Goal}`, scored at {Timestamps.Format(w.At)}, outcomes over the next {Duration.Format(r.HorizonMs)}: {first.Rows:N0} eligible, {first.Positives:N0} achieved. 95% bootstrap intervals in brackets."));
            o.AppendLine();
            o.AppendLine("| scores | ROC AUC | PR AUC | lift@10% | Brier | top tier achieved |");
            o.AppendLine("|---|---|---|---|---|---|");
            foreach (var c in w.Candidates)
            {
                var m = c.Metrics;
                var top = m.Tiers.Count > 0 ? TierCell(m.Tiers[0]) : "";
                o.AppendLine(string.Create(Inv,
                    $"| {Label(c)} | {Cell(m.RocAuc, "F3")} | {Cell(m.PrAuc, "F3")} | {Cell(m.LiftTopDecile, "F2")} | {m.Brier.Estimate:F4} | {top} |"));
            }
            o.AppendLine();
        }
        if (r.Windows.Count > 1)
        {
            o.AppendLine("| scores | windows | ROC AUC mean ± sd | PR AUC mean ± sd | lift@10% mean ± sd |");
            o.AppendLine("|---|---:|---|---|---|");
            foreach (var s in r.Summary)
                o.AppendLine(string.Create(Inv, $"| {s.Name} | {s.Windows} | {s.RocAucMean:F3} ± {s.RocAucSd:F3} | {s.PrAucMean:F3} ± {s.PrAucSd:F3} | {s.LiftMean:F2} ± {s.LiftSd:F2} |"));
        }
        return o.ToString();
    }

    private static string Json(BacktestReport r)
    {
        return JsonSerializer.Serialize(new
        {
            goal = r.Goal,
            horizon = Duration.Format(r.HorizonMs),
            windows = r.Windows.Select(w => new
            {
                at = Timestamps.Format(w.At),
                w.TrainRows,
                w.TrainPositives,
                w.Features,
                w.Candidates,
            }),
            summary = r.Summary,
        }, JsonOptions) + "\n";
    }

    private static string Label(BacktestCandidate c) => c.Kept ? c.Name + " (kept)" : c.Name;

    private static string Cell(Interval i, string format) =>
        string.Create(Inv, $"{i.Estimate.ToString(format, Inv)} [{i.Low.ToString(format, Inv)}, {i.High.ToString(format, Inv)}]");

    private static string Delta(BacktestCandidate c, Interval d) =>
        c.Kept ? "" : $"{Signed(d.Estimate, "F4")} [{Signed(d.Low, "F3")}, {Signed(d.High, "F3")}]";

    private static string Signed(double x, string format) =>
        double.IsNaN(x) ? "NaN" : (x < 0 ? "-" : "+") + Math.Abs(x).ToString(format, Inv);

    private static string TierCell(TierRate t) =>
        string.Create(Inv, $"{t.Tier} {100 * t.Rate.Estimate:F1}% [{100 * t.Rate.Low:F1}, {100 * t.Rate.High:F1}] n={t.Rows:N0}");
}
