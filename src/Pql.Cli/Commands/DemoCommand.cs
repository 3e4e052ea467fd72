using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Demo;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql demo</c>: generate a multi-product SaaS world, train and score every goal, print a summary.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder to write the demo workspace to.", DefaultValueFactory = _ => "demo-workspace" };
        var accounts = new Option<int>("--accounts") { Description = "Accounts in the generated world.", DefaultValueFactory = _ => new WorldOptions().Accounts };
        var days = new Option<int>("--days") { Description = "Days of history.", DefaultValueFactory = _ => new WorldOptions().Days };
        var seed = new Option<long>("--seed") { Description = "Seed of the generated world.", DefaultValueFactory = _ => new WorldOptions().Seed };
        var command = new Command("demo",
            "Generate a seeded multi-product SaaS world (products, integrations, invites, billing, dirty rows), then train " +
            "and score every goal in it and print a summary: rows loaded and rejected, held-out accuracy per goal, what the " +
            "multi-product features add over activity alone, tier counts and the top accounts with their drivers.\n" +
            "Example: pql demo --out demo-workspace")
        {
            output, accounts, days, seed,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var dir = parse.GetValue(output)!;
            DemoTarget.Prepare(dir, clearState: true);
            var world = WorldGenerator.Generate(new WorldOptions
            {
                Accounts = parse.GetValue(accounts),
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                OutputDirectory = dir,
            }, cancellationToken: ct);
            ctx.Progress(string.Create(CultureInfo.InvariantCulture, $"generated {world.Accounts:N0} accounts, {world.EventRows:N0} event rows in {dir}"));
            using var session = WorkspaceSession.Open(dir, progress: ctx.Progress, detail: ctx.Detail);
            var o = ctx.Out;
            var inv = CultureInfo.InvariantCulture;
            o.WriteLine(string.Create(inv, $"pql demo: a generated workspace in {Path.GetFullPath(dir)}"));
            o.WriteLine(string.Create(inv, $"  {world.Accounts:N0} accounts, {world.Users:N0} users; {session.Load.Report.Summary()}"));
            o.WriteLine();
            o.WriteLine("goal        entity   kept model  held-out ROC AUC  PR AUC  lift@10%  vs activity only (ROC AUC)  tiers");
            var runs = new List<(GoalDefinition Goal, ScoreRun Run)>();
            foreach (var goal in session.Config.Goals)
            {
                var training = await new TrainService().TrainAsync(session, new TrainRequest(dir)
                {
                    Goal = goal.Name,
                    CompareWithActivityOnly = true,
                    By = ctx.By,
                    Progress = ctx.Progress,
                }, ct);
                var trained = training.Failed.Count == 0 ? training.Trained[0] : throw new PqlInputException(training.Failed[0].Problem);
                var run = (await new ScoreService().ScoreAsync(session, new ScoreRequest(dir, goal.Name)
                {
                    OutputCsv = Path.Combine(dir, "scores", goal.Name + ".csv"),
                    By = ctx.By,
                    Progress = ctx.Progress,
                }, ct)).Run;
                runs.Add((goal, run));
                var best = trained.Result.Candidates.First(c => ReferenceEquals(c.Model, trained.Result.Best)).Metrics;
                var b = trained.Baseline!;
                var tiers = string.Join(" ", run.Rows.GroupBy(r => r.Tier).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Count()}"));
                o.WriteLine(string.Create(inv,
                    $"{goal.Name,-11} {goal.Entity.ToString().ToLowerInvariant(),-8} {trained.Result.Best.Kind,-10} {best.RocAuc,17:F3} {best.PrAuc,7:F3} {best.LiftTopDecile,9:F2}  gbdt {b.FullRocAuc:F3} vs {b.ActivityRocAuc:F3} ({b.FullRocAuc - b.ActivityRocAuc:+0.000;-0.000})  {tiers}"));
            }
            foreach (var (goal, run) in runs.Where(r => r.Goal.Entity == EntityKind.Account))
            {
                o.WriteLine();
                o.WriteLine($"Top accounts for {goal.Name} (score, tier, drivers):");
                foreach (var row in run.Rows.Take(5))
                {
                    var drivers = string.Join(", ", row.Drivers.Select(d => string.Create(inv, $"{d.Feature}={Value(d.Value)} ({d.Contribution:+0.00;-0.00})")));
                    o.WriteLine(string.Create(inv, $"  {row.EntityId,-8} {row.Score:F2}  {row.Tier,-10} {drivers}"));
                }
            }
            o.WriteLine();
            o.WriteLine(string.Create(inv, $"Scores in {Path.Combine(dir, "scores")}/, models and cards in {Path.Combine(dir, ".pql", "models")}/; done in {clock.Elapsed.TotalSeconds:F1} s."));
            o.WriteLine($"Next: pql validate --workspace {dir} | pql explain --workspace {dir} --goal conversion --entity <id> | pql diff --workspace {dir} --goal conversion");
            return 0;
        });
        return command;
    }

    private static string Value(double v) =>
        double.IsNaN(v) ? "missing" : Math.Abs(v - Math.Round(v)) < 1e-9 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);
}
