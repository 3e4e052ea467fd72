using System.Globalization;
using System.Text;

namespace Pql.Core.Learning.Artifacts;

/// <summary>Renders an artifact's model card as Markdown: goal, intended use, data, metrics of every candidate, top inputs, limitations.</summary>
public static class ModelCard
{
    public static string RenderMarkdown(ModelArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var md = new StringBuilder();
        var meta = artifact.Metadata;
        string M(string key) => meta.TryGetValue(key, out var v) ? v : "(not recorded)";
        var goal = meta.TryGetValue("goal", out var g) ? g : "unnamed goal";
        Line(md, $"# Model card: {goal}");
        Line(md, "");
        Line(md, $"Model kind: **{artifact.Kind}** (artifact format {artifact.FormatVersion}), created {M("created")}.");
        Line(md, "");
        Line(md, "## Goal definition");
        Line(md, "");
        Line(md, $"- Goal: {goal}; {M("goal_definition")}");
        Line(md, $"- Horizon: {M("horizon")}");
        Line(md, "");
        Line(md, "## Intended use");
        Line(md, "");
        Line(md, "Ranks accounts or users by their probability of reaching the goal within the horizon after the scoring date, " +
                 "to decide who gets sales or success attention first. Scores are calibrated on the validation window: a score of 0.3 " +
                 "means about 30% of similar entities reached the goal. Not intended for decisions about individuals' employment, " +
                 "credit or pricing, nor for entities unlike those in the training data.");
        Line(md, "");
        Line(md, "## Data");
        Line(md, "");
        foreach (var key in new[] { "data_window", "train_cutoffs", "validation_cutoff", "split", "train_rows", "validation_rows", "base_rate", "data_hash", "feedback" })
        {
            // A snapshot goal has a split instead of cutoffs in time.
            if ((meta.ContainsKey("split") ? key is not ("data_window" or "train_cutoffs" or "validation_cutoff") : key != "split") && (key != "feedback" || meta.ContainsKey(key)))
                Line(md, $"- {key.Replace('_', ' ')}: {M(key)}");
        }
        Line(md, $"- features: {artifact.Features.Count}");
        Line(md, "");
        Line(md, "## Validation metrics (every candidate, calibrated, on the validation window)");
        Line(md, "");
        Line(md, "| model | rows | base rate | ROC AUC | PR AUC | log loss | Brier | lift top 10% |");
        Line(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in artifact.Candidates)
        {
            var m = c.Metrics;
            var chosen = c.Kind == artifact.Kind ? " (chosen)" : "";
            Line(md, $"| {c.Kind}{chosen} | {m.Rows} | {F(m.BaseRate)} | {F(m.RocAuc)} | {F(m.PrAuc)} | {F(m.LogLoss)} | {F(m.Brier)} | {F(m.LiftTopDecile, 2)} |");
        }
        var chosenMetrics = artifact.Candidates.FirstOrDefault(c => c.Kind == artifact.Kind)?.Metrics;
        if (chosenMetrics is { Calibration.Count: > 0 })
        {
            Line(md, "");
            Line(md, "Calibration of the chosen model (deciles of predicted probability):");
            Line(md, "");
            Line(md, "| decile | rows | mean predicted | observed rate |");
            Line(md, "|---:|---:|---:|---:|");
            for (var i = 0; i < chosenMetrics.Calibration.Count; i++)
            {
                var b = chosenMetrics.Calibration[i];
                Line(md, $"| {i + 1} | {b.Rows} | {F(b.MeanPredicted)} | {F(b.ObservedRate)} |");
            }
        }
        Line(md, "");
        Line(md, "## Top inputs (mean absolute contribution to the raw score)");
        Line(md, "");
        foreach (var t in artifact.TopInputs.Take(15))
            Line(md, $"- `{t.Feature}`: {F(t.MeanAbsContribution)}");
        Line(md, "");
        if (meta.TryGetValue("leakage_warnings", out var leakage))
        {
            Line(md, "## Leakage warnings");
            Line(md, "");
            foreach (var w in leakage.Split('\n'))
                Line(md, $"- {w}");
            Line(md, "");
        }
        Line(md, "## Known limitations");
        Line(md, "");
        Line(md, "- Trained on past cutoffs only; behaviour may drift as the product, pricing or go-to-market changes. Retrain, and watch drift against this version's training snapshot with `pql drift` (docs/GOVERNANCE.md).");
        Line(md, "- Calibration was fitted on the same validation window that the metrics above are measured on, so calibration figures are optimistic.");
        Line(md, "- Contributions explain the model, not causes: a driver with a large contribution is associated with the goal in the training data.");
        Line(md, "- Entities with little history (new accounts) have mostly missing features; their scores rest on the base rate and firmographics.");
        return md.ToString();
    }

    private static string F(double v, int digits = 4) =>
        double.IsNaN(v) ? "n/a" : v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static void Line(StringBuilder sb, string text) => sb.Append(text).Append('\n');
}
