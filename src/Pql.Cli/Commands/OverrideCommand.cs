using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql override set|approve|clear|list --goal G</c>: a person's tier for an entity, with a reason and an expiry, under a guardrail.</summary>
internal static class OverrideCommand
{
    public static Command Create() => new("override",
        "Set an entity's tier (or suppress it) with a reason and an expiry. A move of more than one tier, or more than 10 entities at once,\n" +
        "waits for approval by another identity (--by). Expired overrides lapse on their own.\n" +
        "Example: pql override set -w ws --goal conversion --entity a17 --tier assisted --reason \"CFO asked for a demo\" --expires 30d --by alice")
    {
        Set(), Approve(), Clear(), List(),
    };

    private static Command Set()
    {
        var (workspace, goal) = (CommonOptions.Workspace(), CommonOptions.Goal(required: true));
        var entity = new Option<string[]>("--entity") { Description = "Entity id; repeat or separate with commas.", Required = true, AllowMultipleArgumentsPerToken = true };
        var tier = new Option<string?>("--tier") { Description = "The tier to put the entities in." };
        var suppress = new Option<bool>("--suppress") { Description = "Keep scoring the entities but act on none of them." };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit trail and shown beside the score).", Required = true };
        var expires = new Option<string>("--expires") { Description = "How long it lasts, e.g. 14d or 12h.", Required = true };
        var command = new Command("set", "Override the tier of one or more entities.") { workspace, goal, entity, tier, suppress, reason, expires };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var ms = Duration.TryParseMs(parse.GetValue(expires)) ?? throw new PqlInputException($"--expires: '{parse.GetValue(expires)}' is not a duration such as 30d or 12h");
            var ids = parse.GetValue(entity)!.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, loadData: false);
            await session.AuditConfigAsync(ctx.By, ct);
            var result = await OverrideService.SetAsync(session.State, session.Config, new OverrideRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!, ids,
                parse.GetValue(reason)!, ms) { Tier = parse.GetValue(tier), Suppress = parse.GetValue(suppress), By = ctx.By }, TimeProvider.System, cancellationToken: ct);
            ctx.Out.WriteLine(result.WaitsBecause is { } why
                ? $"override batch {result.Batch} waits for approval by someone other than {ctx.By}: {why} (pql override approve --batch {result.Batch})"
                : $"override batch {result.Batch} in force for {ids.Count} entit{(ids.Count == 1 ? "y" : "ies")}; it applies from the next scoring");
            return 0;
        });
        return command;
    }

    private static Command Approve()
    {
        var (workspace, goal) = (CommonOptions.Workspace(), CommonOptions.Goal(required: true));
        var batch = new Option<long>("--batch") { Description = "The waiting batch (pql override list shows it).", Required = true };
        var command = new Command("approve", "Approve a waiting batch; the identity that asked for it cannot.") { workspace, goal, batch };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, loadData: false);
            await session.AuditConfigAsync(ctx.By, ct);
            var result = await OverrideService.ApproveAsync(session.State, session.Config.Goal(parse.GetValue(goal)!).Name, parse.GetValue(batch), ctx.By, ct);
            ctx.Out.WriteLine($"override batch {parse.GetValue(batch)} approved by {ctx.By}; {result.Active.Count} override(s) in force");
            return 0;
        });
        return command;
    }

    private static Command Clear()
    {
        var (workspace, goal) = (CommonOptions.Workspace(), CommonOptions.Goal(required: true));
        var entity = new Option<string>("--entity") { Description = "The entity whose overrides end now.", Required = true };
        var command = new Command("clear", "End an entity's overrides before they expire.") { workspace, goal, entity };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, loadData: false);
            await session.AuditConfigAsync(ctx.By, ct);
            await OverrideService.ClearAsync(session.State, session.Config.Goal(parse.GetValue(goal)!).Name, parse.GetValue(entity)!, ctx.By, ct);
            ctx.Out.WriteLine($"overrides of {parse.GetValue(entity)} ended");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var (workspace, goal) = (CommonOptions.Workspace(), CommonOptions.Goal(required: true));
        var command = new Command("list", "Overrides in force and waiting for approval.") { workspace, goal };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, loadData: false);
            await session.AuditConfigAsync(ctx.By, ct);
            var result = await OverrideService.DescribeAsync(session.State, session.Config.Goal(parse.GetValue(goal)!).Name, 0, null, ct);
            foreach (var o in result.Active.Values.OrderBy(o => o.EntityId, StringComparer.Ordinal))
                ctx.Out.WriteLine(Line("in force", o));
            foreach (var o in result.Pending)
                ctx.Out.WriteLine(Line($"waiting (batch {o.Batch}: {o.ApprovalReason})", o));
            if (result.Active.Count == 0 && result.Pending.Count == 0)
                ctx.Out.WriteLine("no overrides");
            return 0;
        });
        return command;
    }

    private static string Line(string status, EntityOverride o) =>
        $"{o.EntityId}  {o.Effect}  until {DateTimeOffset.FromUnixTimeMilliseconds(o.ExpiresMs).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}  by {o.CreatedBy}{(o.ApprovedBy is null ? "" : ", approved by " + o.ApprovedBy)}  {status}: {o.Reason}";
}
