using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;

namespace Pql.Cli.Commands;

/// <summary><c>pql act</c>: score -> triggers -> outbox -> dispatch, or with --dry-run only show what would fire.</summary>
internal static class ActCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: true);
        var asOf = CommonOptions.AsOf();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the triggers that would fire and the actions they would queue; store and send nothing." };
        var threads = new Option<int>("--threads") { Description = "Worker threads for scoring (default: all cores)." };
        var top = new Option<int>("--top") { Description = "Firings to list (default 20).", DefaultValueFactory = _ => 20 };
        var maxWait = new Option<int>("--max-wait") { Description = "Seconds to wait for retries not yet due before returning (default 120).", DefaultValueFactory = _ => 120 };
        var command = new Command("act",
            "Score a goal, fire the triggers whose condition changed since the last run, queue their playbooks' actions in the " +
            "outbox (in the same transaction as the run) and deliver them.\n" +
            "Example: pql act --workspace examples/ravenstack-saas --goal churn --dry-run")
        {
            workspace, goal, asOf, dryRun, threads, top, maxWait,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var dry = parse.GetValue(dryRun);
            var result = await new ActService().ActAsync(new ActRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!)
            {
                AsOfMs = CommonOptions.ParseAsOf(parse.GetValue(asOf)),
                Threads = parse.GetValue(threads),
                DryRun = dry,
                MaxWait = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(maxWait))),
                By = ctx.By,
                Log = ctx.Log,
            }, ct);
            var (g, run, plan) = (result.Goal, result.Run, result.Plan);
            var o = ctx.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(dry ? "dry run: " : "")}scored {run.Rows.Count:N0} for {g.Name} ({run.ModelKind} {run.ModelVersion}); run {run.RunId}: " +
                $"{plan.Fired.Count} trigger(s) fired, {plan.Actions.Count} action(s) {(dry ? "would be queued" : "queued")}"));
            foreach (var f in plan.Fired.Take(Math.Max(0, parse.GetValue(top))))
                o.WriteLine($"  {f.Rule.Name} -> {f.Rule.Playbook}: {f.Firing.Reason}");
            if (plan.Fired.Count > parse.GetValue(top))
                o.WriteLine($"  ... {plan.Fired.Count - parse.GetValue(top)} more (see the trigger log or pql outbox)");
            if (result.Dispatch is { } report)
            {
                o.WriteLine($"dispatched: {report.Delivered} delivered, {report.Retried} to retry, {report.Dead} dead, {report.Failed} failed, " +
                            $"{report.Deferred} deferred to a quota reset, {report.WaitingOnCredentials} waiting on credentials, " +
                            $"{report.StillPending} still pending (pql outbox --workspace DIR lists them)");
            }
            return 0;
        });
        return command;
    }
}
