using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Playbooks;

namespace Pql.Cli.Commands;

/// <summary><c>pql score</c>: score every eligible entity of a goal and write the contract's CSV.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: true);
        var asOf = CommonOptions.AsOf();
        var output = new Option<string>("--out", "-o") { Description = "The CSV to write (entity_id,score,tier,top_drivers).", Required = true };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: all cores)." };
        var model = new Option<string?>("--model") { Description = "Score with this model artifact instead of the goal's latest." };
        var with = new Option<string?>("--with-attributes") { Description = "Comma-separated entity attributes appended after the contract's four columns, e.g. name,owner,segment." };
        var command = new Command("score",
            "Score every entity eligible for a goal at as-of with the goal's latest model and write one row per entity: " +
            "entity_id, score (calibrated probability), tier, top_drivers (JSON). The run is stored in the workspace's " +
            "score history; triggers are evaluated and their actions queued in the outbox (pql act also delivers them).\n" +
            "Example: pql score --workspace examples/ravenstack-saas --goal churn --out churn.csv --with-attributes name,owner")
        {
            workspace, goal, asOf, output, threads, model, with,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var path = parse.GetValue(output)!;
            var result = await new ScoreService().ScoreAsync(new ScoreRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!)
            {
                AsOfMs = CommonOptions.ParseAsOf(parse.GetValue(asOf)),
                Threads = parse.GetValue(threads),
                ModelPath = parse.GetValue(model),
                OutputCsv = path,
                WithAttributes = parse.GetValue(with)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                By = ctx.By,
                Log = ctx.Log,
            }, ct);
            var (g, run, plan) = (result.Goal, result.Run, result.Plan);
            var tiers = string.Join(", ", run.Rows.GroupBy(r => r.Tier).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Count():N0}"));
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scored {run.Rows.Count:N0} {g.Entity.ToString().ToLowerInvariant()}s for {g.Name} with {run.ModelKind} model {run.ModelVersion} -> {path} ({tiers}); run {run.RunId}, {plan.Fired.Count} trigger(s) fired, {plan.Actions.Count} action(s) queued"));
            foreach (var row in run.Rows.Where(TierOverrides.IsOverridden))
                ctx.Out.WriteLine($"override {row.EntityId}: {row.Attributes[TierOverrides.Override]} (model tier {row.Attributes[TierOverrides.ModelTier]}) until {row.Attributes["override_until"]} by {row.Attributes["override_by"]}: {row.Attributes["override_reason"]}");
            return 0;
        });
        return command;
    }
}
