using System.CommandLine;
using System.Globalization;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;

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
        var command = new Command("score",
            "Score every entity eligible for a goal at as-of with the goal's latest model and write one row per entity: " +
            "entity_id, score (calibrated probability), tier, top_drivers (JSON). The run is stored in the workspace's " +
            "score history; triggers are evaluated and their actions queued in the outbox (pql act also delivers them).\n" +
            "Example: pql score --workspace examples/ravenstack-saas --goal churn --out churn.csv")
        {
            workspace, goal, asOf, output, threads, model,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, ctx);
            var g = session.Config.Goal(parse.GetValue(goal)!);
            var run = WorkspaceScorer.Score(session.Config, session.Load, g, session.State, new ScoreOptions
            {
                AsOfMs = CommonOptions.ParseAsOf(parse.GetValue(asOf), session.Load.Store, ctx),
                Threads = parse.GetValue(threads),
                ModelPath = parse.GetValue(model),
                Progress = ctx.Progress,
            });
            var plan = new ActPipeline(session.State, PlaybookConfig.Parse(session.Config), TimeProvider.System).Record(run, dryRun: false);
            var path = parse.GetValue(output)!;
            ScoreCsv.Write(run, path);
            var tiers = string.Join(", ", run.Rows.GroupBy(r => r.Tier).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Count():N0}"));
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scored {run.Rows.Count:N0} {g.Entity.ToString().ToLowerInvariant()}s for {g.Name} with {run.ModelKind} model {run.ModelVersion} -> {path} ({tiers}); run {run.RunId}, {plan.Fired.Count} trigger(s) fired, {plan.Actions.Count} action(s) queued"));
            return 0;
        });
        return command;
    }
}
