using System.Globalization;
using System.Text;
using Pql.Core.Learning.Evaluation;

namespace Pql.Core.Governance;

/// <summary>
/// The retrain change log kept beside a version's model card (<c>VERSION.changes.md</c>): the guardrail's decision, metrics of
/// both versions on the same window with 95% intervals, features added and dropped, top inputs before and after, the tier
/// movement matrix and calibration.
/// </summary>
public static class ChangeLog
{
    /// <summary>Where a version's change log lives: beside its artifact and model card.</summary>
    public static string PathFor(string artifactPath)
    {
        ArgumentNullException.ThrowIfNull(artifactPath);
        return Path.ChangeExtension(artifactPath, null) + ".changes.md";
    }

    /// <summary>The log of a goal's first version: nothing to compare with.</summary>
    public static string RenderFirst(string goal, string version, PromotionDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var md = new StringBuilder();
        Line(md, $"# Change log: {goal} {version}");
        Line(md, "");
        Line(md, $"First version of the goal: promoted ({decision.Reason}). Later versions are compared with the current one here.");
        return md.ToString();
    }

    public static string Render(string goal, VersionComparison c, PromotionDecision decision, PromotionOptions options)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(options);
        var md = new StringBuilder();
        Line(md, $"# Change log: {goal} {c.CandidateVersion} (replacing {c.CurrentVersion})");
        Line(md, "");
        Line(md, decision.Automatic
            ? $"Promoted automatically: {decision.Reason}."
            : $"Waits for approval by a second identity: {decision.Reason}.");
        Line(md, string.Create(CultureInfo.InvariantCulture,
            $"Guardrail: ROC AUC at most {options.MaxMetricDrop:0.####} below the current version's on the same window, and fewer than {options.MaxTierMoveShare:P0} of entities changing tier."));
        Line(md, "");
        Line(md, $"## Metrics on the same window ({c.Candidate.Rows:N0} rows, {c.Candidate.Positives:N0} achieved; 95% bootstrap intervals)");
        Line(md, "");
        Line(md, $"| metric | {c.CurrentVersion} (current) | {c.CandidateVersion} (new) |");
        Line(md, "|---|---:|---:|");
        Line(md, $"| ROC AUC | {I(c.Current.RocAuc)} | {I(c.Candidate.RocAuc)} |");
        Line(md, $"| PR AUC | {I(c.Current.PrAuc)} | {I(c.Candidate.PrAuc)} |");
        Line(md, $"| lift top 10% | {I(c.Current.LiftTopDecile)} | {I(c.Candidate.LiftTopDecile)} |");
        Line(md, $"| Brier | {I(c.Current.Brier)} | {I(c.Candidate.Brier)} |");
        Line(md, $"| calibration error | {I(c.Current.CalibrationError)} | {I(c.Candidate.CalibrationError)} |");
        Line(md, "");
        Line(md, $"ROC AUC difference (new − current, paired): {I(c.RocAucDifference)}. " + (c.OutOfSample
            ? "Both are out of sample: the current version was trained before this window's outcomes were known, and the new version is measured by its fit before the refit."
            : "The current version was trained after this window began and may have been fitted on its outcomes, so both versions' final models are measured here, on the same footing (both may have seen it)."));
        Line(md, "");
        Line(md, "## Features");
        Line(md, "");
        Line(md, $"- Added ({c.FeaturesAdded.Count}): {List(c.FeaturesAdded)}");
        Line(md, $"- Dropped ({c.FeaturesDropped.Count}): {List(c.FeaturesDropped)}");
        Line(md, "");
        Line(md, "## Top inputs (mean absolute contribution)");
        Line(md, "");
        Line(md, "| rank | before | after |");
        Line(md, "|---:|---|---|");
        for (var i = 0; i < Math.Max(c.TopInputsBefore.Count, c.TopInputsAfter.Count); i++)
        {
            var b = i < c.TopInputsBefore.Count ? $"`{c.TopInputsBefore[i].Feature}` {F(c.TopInputsBefore[i].MeanAbsContribution)}" : "";
            var a = i < c.TopInputsAfter.Count ? $"`{c.TopInputsAfter[i].Feature}` {F(c.TopInputsAfter[i].MeanAbsContribution)}" : "";
            Line(md, $"| {i + 1} | {b} | {a} |");
        }
        Line(md, "");
        Line(md, string.Create(CultureInfo.InvariantCulture,
            $"## Tier movement ({c.Entities:N0} entities scored at as-of by both; {c.TierMoveShare:P1} change tier)"));
        Line(md, "");
        Line(md, "| current \\ new | " + string.Join(" | ", c.TierNames) + " |");
        Line(md, "|---|" + string.Concat(c.TierNames.Select(_ => "---:|")));
        for (var i = 0; i < c.TierNames.Count; i++)
        {
            var cells = Enumerable.Range(0, c.TierNames.Count).Select(j => c.TierMoves[i, j].ToString(CultureInfo.InvariantCulture));
            Line(md, $"| {c.TierNames[i]} | {string.Join(" | ", cells)} |");
        }
        Line(md, "");
        Line(md, "## Calibration on the same window (deciles of predicted probability)");
        Line(md, "");
        Line(md, "| decile | current: mean predicted | current: observed | new: mean predicted | new: observed |");
        Line(md, "|---:|---:|---:|---:|---:|");
        for (var i = 0; i < Math.Max(c.Current.Calibration.Count, c.Candidate.Calibration.Count); i++)
            Line(md, $"| {i + 1} | {Bin(c.Current.Calibration, i)} | {Bin(c.Candidate.Calibration, i)} |");
        return md.ToString();
    }

    private static string Bin(IReadOnlyList<CalibrationBin> bins, int i) =>
        i < bins.Count ? $"{F(bins[i].MeanPredicted)} | {F(bins[i].ObservedRate)}" : " | ";

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names.Select(n => $"`{n}`"));

    private static string I(Interval i) => double.IsNaN(i.Low)
        ? F(i.Estimate)
        : string.Create(CultureInfo.InvariantCulture, $"{F(i.Estimate)} [{F(i.Low)}, {F(i.High)}]");

    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');
}
