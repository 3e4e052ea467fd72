using System.CommandLine;
using System.Globalization;
using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
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
        var command = new Command("outbox",
            "List the action outbox, retry dead actions, or deliver pending ones.\n" +
            "Example: pql outbox --workspace examples/sparkify-dend-logs --retry-dead --dispatch")
        {
            workspace, retryDead, dispatch, status, limit, maxWait,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var config = ConfigLoader.Load(parse.GetValue(workspace)!);
            OutboxStatus? only = parse.GetValue(status) is { } s ? ParseStatus(s) : null;
            using var store = SqliteStateStore.OpenWorkspace(config.StateDirectory);
            if (parse.GetValue(retryDead))
                ctx.Out.WriteLine($"{store.RetryDead(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds())} dead or failed action(s) back to pending");
            if (parse.GetValue(dispatch))
            {
                var report = Dispatch(config, store, ctx, TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(maxWait))));
                ctx.Out.WriteLine($"dispatched: {report.Attempts} attempt(s), {report.Delivered} delivered, {report.Retried} to retry, " +
                                  $"{report.Dead} dead, {report.Failed} failed, {report.StillPending} still pending");
            }
            Print(store, only, Math.Max(0, parse.GetValue(limit)), ctx.Out);
            return 0;
        });
        return command;
    }

    internal static DispatchReport Dispatch(WorkspaceConfig config, IStateStore store, CliContext ctx, TimeSpan maxWait)
    {
        using var held = DispatchLock.TryAcquire(config.StateDirectory)
            ?? throw new InvalidOperationException("another dispatcher is delivering this workspace's outbox; wait for it, then run 'pql outbox --dispatch'");
        var playbooks = PlaybookConfig.Parse(config);
        var secrets = new SecretResolver();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var context = new ConnectorContext(http, secrets, TimeProvider.System, config.Directory);
        var dispatcher = new OutboxDispatcher(store, ConnectorFactory.CreateAll(playbooks.Connectors, context), TimeProvider.System,
            new DispatchOptions { MaxWait = maxWait }, log: ctx.Detail, secrets: secrets);
        ctx.Progress("delivering the outbox");
        return dispatcher.RunAsync().GetAwaiter().GetResult();
    }

    private static OutboxStatus ParseStatus(string text) => text switch
    {
        "pending" => OutboxStatus.Pending,
        "delivered" => OutboxStatus.Delivered,
        "dead" => OutboxStatus.Dead,
        "failed" => OutboxStatus.Failed,
        _ => throw new PqlInputException($"--status: '{text}' is not pending, delivered, dead or failed"),
    };

    private static void Print(SqliteStateStore store, OutboxStatus? only, int limit, TextWriter o)
    {
        var counts = store.OutboxCounts();
        o.WriteLine($"outbox: {counts[OutboxStatus.Pending]} pending, {counts[OutboxStatus.Delivered]} delivered, " +
                    $"{counts[OutboxStatus.Dead]} dead, {counts[OutboxStatus.Failed]} failed");
        var statuses = only is { } one ? [one] : new[] { OutboxStatus.Failed, OutboxStatus.Dead, OutboxStatus.Pending, OutboxStatus.Delivered };
        var shown = 0;
        foreach (var st in statuses)
        {
            foreach (var a in store.Outbox(st, limit - shown))
            {
                var when = DateTimeOffset.FromUnixTimeMilliseconds(a.Status == OutboxStatus.Delivered ? a.DeliveredMs ?? a.CreatedMs : a.NextAttemptMs)
                    .ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                o.WriteLine($"{a.ActionId}  {a.Status.ToString().ToLowerInvariant(),-9}  tries {a.Attempts}  {when}  {a.Connector}/{a.Action}  " +
                            $"{a.EntityId}  {a.Trigger}{(a.LastError is null ? "" : "  " + a.LastError)}");
                shown++;
            }
        }
    }
}
