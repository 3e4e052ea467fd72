using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql outbox</c>: list pending, delivered, dead and failed actions; put dead ones back; run the dispatcher.</summary>
internal static class OutboxCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var retryDead = new Option<bool>("--retry-dead") { Description = "Put dead and failed actions back to pending (after fixing a token or a mapping)." };
        var dispatch = new Option<bool>("--dispatch") { Description = "Deliver pending actions now, with retries and backoff." };
        var status = new Option<string?>("--status") { Description = "List only this status: pending, delivered, dead or failed." };
        var limit = new Option<int>("--limit") { Description = "Rows to list (default 20).", DefaultValueFactory = _ => 20 };
        var maxWait = new Option<int>("--max-wait") { Description = "Seconds to wait for retries not yet due before returning (default 120).", DefaultValueFactory = _ => 120 };
        var lease = new Option<int>("--lease")
        {
            Description = "Seconds the actions this dispatcher claims stay leased to it; after a crash, others send them once it ends (default 300).",
            DefaultValueFactory = _ => 300,
        };
        var pause = new Option<string?>("--pause") { Description = "Hold back this connector's actions (e.g. while its vendor has an incident)." };
        var reason = new Option<string?>("--reason") { Description = "Why the connector is paused, for the audit trail." };
        var resume = new Option<string?>("--resume") { Description = "Deliver this paused connector's actions again." };
        var command = new Command("outbox",
            "List the action outbox, retry dead actions, pause or resume a connector, or deliver pending ones. Any number of " +
            "dispatchers may deliver at once: each leases the actions it sends.\n" +
            "Example: pql outbox --workspace examples/sparkify-dend-logs --retry-dead --dispatch")
        {
            workspace, retryDead, dispatch, status, limit, maxWait, lease, pause, reason, resume,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var result = await new OutboxService().RunAsync(new OutboxRequest(parse.GetValue(workspace)!)
            {
                RetryDead = parse.GetValue(retryDead),
                Pause = parse.GetValue(pause),
                PauseReason = parse.GetValue(reason) ?? "paused by an operator",
                Resume = parse.GetValue(resume),
                Dispatch = parse.GetValue(dispatch),
                MaxWait = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(maxWait))),
                LeaseDuration = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(lease))),
                Status = parse.GetValue(status) is { } s ? ParseStatus(s) : null,
                Limit = Math.Max(0, parse.GetValue(limit)),
                By = ctx.By,
                Log = ctx.Log,
            }, ct);
            Print(result, parse.GetValue(resume), ctx.Out);
            return 0;
        });
        return command;
    }

    private static OutboxStatus ParseStatus(string text) => text switch
    {
        "pending" => OutboxStatus.Pending,
        "delivered" => OutboxStatus.Delivered,
        "dead" => OutboxStatus.Dead,
        "failed" => OutboxStatus.Failed,
        _ => throw new PqlInputException($"--status: '{text}' is not pending, delivered, dead or failed"),
    };

    private static void Print(OutboxResult result, string? resumed, TextWriter o)
    {
        if (result.RetriedDead is { } n)
            o.WriteLine($"{n} dead or failed action(s) back to pending");
        if (result.Resumed is { } r)
            o.WriteLine(r ? $"connector {resumed} resumed" : $"connector {resumed} was not paused");
        if (result.Dispatch is { } report)
        {
            o.WriteLine($"dispatched: {report.Attempts} attempt(s), {report.Delivered} delivered, {report.Retried} to retry, " +
                        $"{report.Dead} dead, {report.Failed} failed, {report.Deferred} deferred to a quota reset, " +
                        $"{report.WaitingOnCredentials} waiting on credentials, {report.StillPending} still pending");
        }
        var counts = result.Counts;
        o.WriteLine($"outbox: {counts[OutboxStatus.Pending]} pending, {counts[OutboxStatus.Delivered]} delivered, " +
                    $"{counts[OutboxStatus.Dead]} dead, {counts[OutboxStatus.Failed]} failed");
        foreach (var p in result.Paused)
            o.WriteLine($"paused: {p.Connector} by {p.PausedBy} since {Time(p.PausedMs)}: {p.Reason}");
        foreach (var a in result.Actions)
        {
            var when = Time(a.Status == OutboxStatus.Delivered ? a.DeliveredMs ?? a.CreatedMs : a.NextAttemptMs);
            o.WriteLine($"{a.ActionId}  {a.Status.ToString().ToLowerInvariant(),-9}  tries {a.Attempts}  {when}  {a.Connector}/{a.Action}  " +
                        $"{a.EntityId}  {a.Trigger}{(a.LastError is null ? "" : "  " + a.LastError)}");
        }
    }

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
