using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Scoring;

namespace Pql.Cli.Commands;

/// <summary><c>pql train</c>: train a model per goal (or one goal) and register it.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: false);
        var asOf = CommonOptions.AsOf();
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: all cores)." };
        var baseline = new Option<bool>("--compare-activity")
        {
            Description = "Also train on activity features alone and report what the multi-product features add.",
        };
        var command = new Command("train",
            "Train a model for every goal in pql.yaml (or one goal): label cutoffs before as-of minus the horizon, " +
            "build point-in-time features, fit GBDT, logistic regression and the rules score, validate on the latest " +
            "cutoff, keep the best by PR AUC and write the model artifact and model card under .pql/models/.\n" +
            "Example: pql train --workspace examples/ravenstack-saas --goal churn")
        {
            workspace, goal, asOf, threads, baseline,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var result = await new TrainService().TrainAsync(new TrainRequest(parse.GetValue(workspace)!)
            {
                Goal = parse.GetValue(goal),
                AsOfMs = CommonOptions.ParseAsOf(parse.GetValue(asOf)),
                Threads = parse.GetValue(threads),
                CompareWithActivityOnly = parse.GetValue(baseline),
                By = ctx.By,
                Log = ctx.Log,
            }, ct);
            ctx.Out.WriteLine(result.LoadSummary);
            foreach (var report in result.Trained)
            {
                Print(ctx.Out, report);
                if (result.Promotions.FirstOrDefault(p => p.Goal == report.Goal) is { } promotion)
                    PrintPromotion(ctx.Out, promotion);
            }
            foreach (var failure in result.Failed)
                ctx.Err.WriteLine($"error: goal '{failure.Goal}' was not trained: {failure.Problem}");
            if (result.AllTrained)
                return 0;
            ctx.Err.WriteLine($"{result.Failed.Count} of {result.Failed.Count + result.Trained.Count} goal(s) not trained: {string.Join(", ", result.Failed.Select(f => f.Goal))}");
            return 2;   // the goals that failed did so on their input, as a single failed goal always has
        });
        return command;
    }

    public static void Print(TextWriter o, GoalTrainingReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var over = r.Split is null ? string.Create(inv, $" over {r.Cutoffs.Count - 1} cutoffs") : "";
        o.WriteLine(string.Create(inv,
            $"goal {r.Goal}: {r.TrainRows:N0} training rows ({r.TrainPositives:N0} achieved){over}, {r.ValidRows:N0} validation rows ({r.ValidPositives:N0} achieved), {r.FeatureCount} features"));
        if (r.Split is not null)
            o.WriteLine($"  split: {r.Split}");
        foreach (var w in r.Warnings ?? [])
            o.WriteLine($"  warning: {w}");
        o.WriteLine("  model      ROC AUC   PR AUC  log loss   Brier  lift@10%");
        foreach (var c in r.Result.Candidates)
        {
            var m = c.Metrics;
            var mark = ReferenceEquals(c.Model, r.Result.Best) ? "  <- kept" : "";
            o.WriteLine(string.Create(inv, $"  {c.Kind,-9} {m.RocAuc,8:F4} {m.PrAuc,8:F4} {m.LogLoss,9:F4} {m.Brier,7:F4} {m.LiftTopDecile,9:F2}{mark}"));
        }
        if (r.Baseline is { } b)
        {
            o.WriteLine(string.Create(inv,
                $"  multi-product features vs activity alone ({b.Kind}): ROC AUC {b.FullRocAuc:F4} vs {b.ActivityRocAuc:F4} ({b.FullRocAuc - b.ActivityRocAuc:+0.0000;-0.0000}), PR AUC {b.FullPrAuc:F4} vs {b.ActivityPrAuc:F4} ({b.FullPrAuc - b.ActivityPrAuc:+0.0000;-0.0000})"));
        }
        o.WriteLine($"  model {r.Version}: {r.ArtifactPath}");
        o.WriteLine($"  model card: {r.CardPath}");
    }

    private static void PrintPromotion(TextWriter o, PromotionOutcome p)
    {
        o.WriteLine(p.Promoted
            ? $"  promoted: {p.Reason}"
            : $"  waiting for approval by another identity: {p.Reason}; approve with: pql models promote --goal {p.Goal} --version {p.Version} --by NAME");
        o.WriteLine($"  change log: {p.ChangeLogPath}");
    }
}
