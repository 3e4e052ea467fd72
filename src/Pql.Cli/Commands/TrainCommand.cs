using System.CommandLine;
using System.Globalization;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

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
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, ctx);
            IReadOnlyList<GoalDefinition> goals = parse.GetValue(goal) is { } name ? [session.Config.Goal(name)] : session.Config.Goals;
            if (goals.Count == 0)
                throw new PqlInputException($"{session.Config.ConfigPath}: no goals are defined");
            ctx.Out.WriteLine(session.Load.Report.Summary());
            var asOfMs = CommonOptions.ParseAsOf(parse.GetValue(asOf), session.Load.Store, ctx);
            foreach (var g in goals)
            {
                var report = GoalTrainer.Train(session.Config, session.Load, g, session.State, new TrainOptions
                {
                    AsOfMs = asOfMs,
                    Threads = parse.GetValue(threads),
                    CompareWithActivityOnly = parse.GetValue(baseline),
                    Progress = ctx.Progress,
                });
                Print(ctx.Out, report);
            }
            return 0;
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
}
