using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql feedback add|list --goal G</c>: what sales and success say about a score, read by the next retrain.</summary>
internal static class FeedbackCommand
{
    public static Command Create() => new("feedback",
        "Feedback on a score: false_positive, false_negative or disqualified (with a cool-down, default 90d), kept with who and when.\n" +
        "The next pql train leaves disqualified entities out during the cool-down and weighs confirmed false positives/negatives double.\n" +
        "Example: pql feedback add -w ws --goal conversion --entity a17 --kind disqualified --reason \"student project\" --cool-down 90d --by bob")
    {
        Add(), List(),
    };

    private static Command Add()
    {
        var (workspace, goal) = (CommonOptions.Workspace(), CommonOptions.Goal(required: true));
        var entity = new Option<string>("--entity") { Description = "The entity.", Required = true };
        var kind = new Option<string>("--kind") { Description = "false_positive, false_negative or disqualified.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why.", Required = true };
        var coolDown = new Option<string?>("--cool-down") { Description = "How long a disqualified entity stays out of training (default 90d)." };
        var command = new Command("add", "Record one piece of feedback.") { workspace, goal, entity, kind, reason, coolDown };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var k = FeedbackKinds.Parse(parse.GetValue(kind)) ?? throw new PqlInputException($"--kind: '{parse.GetValue(kind)}' is not one of false_positive, false_negative, disqualified");
            long? ms = parse.GetValue(coolDown) is { } text
                ? Duration.TryParseMs(text) ?? throw new PqlInputException($"--cool-down: '{text}' is not a duration such as 90d")
                : null;
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, loadData: false);
            await session.AuditConfigAsync(ctx.By, ct);
            var entry = await FeedbackService.RecordAsync(session.State, session.Config, new FeedbackRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!,
                parse.GetValue(entity)!, k, parse.GetValue(reason)!) { CoolDownMs = ms, By = ctx.By }, TimeProvider.System, ct);
            ctx.Out.WriteLine($"feedback {entry.Id} recorded: {Line(entry)}");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var (workspace, goal) = (CommonOptions.Workspace(), CommonOptions.Goal(required: true));
        var command = new Command("list", "The goal's feedback, oldest first.") { workspace, goal };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, loadData: false);
            await session.AuditConfigAsync(ctx.By, ct);
            var all = await FeedbackService.ListAsync(session.State, session.Config, parse.GetValue(goal)!, ct);
            foreach (var f in all)
                ctx.Out.WriteLine(Line(f));
            if (all.Count == 0)
                ctx.Out.WriteLine("no feedback");
            return 0;
        });
        return command;
    }

    private static string Line(FeedbackEntry f) =>
        $"{Time(f.CreatedMs)}  {f.EntityId}  {FeedbackKinds.Name(f.Kind)}{(f.CoolDownUntilMs is { } c ? " until " + Time(c) : "")}  by {f.By}: {f.Reason}";

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
