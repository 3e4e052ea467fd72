using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql demo</c>: generate a multi-product SaaS world, train and score every goal, print a summary.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder to write the demo workspace to.", DefaultValueFactory = _ => "demo-workspace" };
        var accounts = new Option<int>("--accounts") { Description = "Accounts in the generated world.", DefaultValueFactory = _ => DemoRequest.Defaults.Accounts };
        var days = new Option<int>("--days") { Description = "Days of history.", DefaultValueFactory = _ => DemoRequest.Defaults.Days };
        var seed = new Option<long>("--seed") { Description = "Seed of the generated world.", DefaultValueFactory = _ => DemoRequest.Defaults.Seed };
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
            var dir = parse.GetValue(output)!;
            var demo = await DemoService.RunAsync(new DemoRequest(dir)
            {
                Accounts = parse.GetValue(accounts),
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                By = ctx.By,
                Log = ctx.Log,
            }, ct);
            var o = ctx.Out;
            var inv = CultureInfo.InvariantCulture;
            o.WriteLine(string.Create(inv, $"pql demo: a generated workspace in {demo.Directory}"));
            o.WriteLine(string.Create(inv, $"  {demo.World.Accounts:N0} accounts, {demo.World.Users:N0} users; {demo.LoadSummary}"));
            o.WriteLine();
            o.WriteLine("goal        entity   kept model  held-out ROC AUC  PR AUC  lift@10%  vs activity only (ROC AUC)  tiers");
            foreach (var g in demo.Goals)
            {
                var b = g.Baseline;
                var tiers = string.Join(" ", g.Tiers.Select(t => $"{t.Key}={t.Value}"));
                o.WriteLine(string.Create(inv,
                    $"{g.Goal.Name,-11} {g.Goal.Entity.ToString().ToLowerInvariant(),-8} {g.KeptModel,-10} {g.RocAuc,17:F3} {g.PrAuc,7:F3} {g.LiftTopDecile,9:F2}  gbdt {b.FullRocAuc:F3} vs {b.ActivityRocAuc:F3} ({b.FullRocAuc - b.ActivityRocAuc:+0.000;-0.000})  {tiers}"));
            }
            foreach (var g in demo.Goals.Where(g => g.Goal.Entity == EntityKind.Account))
            {
                o.WriteLine();
                o.WriteLine($"Top accounts for {g.Goal.Name} (score, tier, drivers):");
                foreach (var row in g.Top)
                {
                    var drivers = string.Join(", ", row.Drivers.Select(d => string.Create(inv, $"{d.Feature}={Value(d.Value)} ({d.Contribution:+0.00;-0.00})")));
                    o.WriteLine(string.Create(inv, $"  {row.EntityId,-8} {row.Score:F2}  {row.Tier,-10} {drivers}"));
                }
            }
            o.WriteLine();
            o.WriteLine(string.Create(inv, $"Scores in {demo.ScoresDirectory}/, models and cards in {demo.ModelsDirectory}/; done in {demo.Elapsed.TotalSeconds:F1} s."));
            o.WriteLine($"Next: pql validate --workspace {dir} | pql explain --workspace {dir} --goal conversion --entity <id> | pql diff --workspace {dir} --goal conversion");
            return 0;
        });
        return command;
    }

    private static string Value(double v) =>
        double.IsNaN(v) ? "missing" : Math.Abs(v - Math.Round(v)) < 1e-9 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);
}
