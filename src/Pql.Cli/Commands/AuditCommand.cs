using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;

namespace Pql.Cli.Commands;

/// <summary><c>pql audit [list|verify]</c>: the audit trail, and the check of its hash chain.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit",
            "The audit trail: every promotion, rollback, override, approval, feedback, key creation and config change, hash-chained.\n" +
            "Example: pql audit verify --workspace examples/sparkify-dend-logs")
        {
            List(),
            Verify(),
        };
        return command;
    }

    private static Command List()
    {
        var workspace = CommonOptions.Workspace();
        var limit = new Option<int>("--limit") { Description = "Entries to show, newest first (default 20).", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "The latest audit entries, newest first.") { workspace, limit };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var entries = await AuditService.ListAsync(new AuditRequest(parse.GetValue(workspace)!) { Limit = parse.GetValue(limit) }, ct);
            foreach (var e in entries)
            {
                var when = DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                ctx.Out.WriteLine($"{when}  {e.Actor}  {e.Action}  {e.Detail}");
            }
            return 0;
        });
        return command;
    }

    private static Command Verify()
    {
        var workspace = CommonOptions.Workspace();
        var command = new Command("verify",
            "Checks the hash chain: names each entry that was edited, deleted or moved since it was written. Exits 1 when any was.") { workspace };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var result = await AuditService.VerifyAsync(new AuditRequest(parse.GetValue(workspace)!), ct);
            var v = result.Verification;
            foreach (var p in v.Problems)
                ctx.Out.WriteLine($"tampered: {p.Message}");
            ctx.Out.WriteLine(v.Intact
                ? $"audit trail intact: {v.Checked} entries, head {result.HeadHash ?? "(empty)"}"
                : $"audit trail NOT intact: {v.Problems.Count} problem(s) in {v.Checked} entries");
            return v.Intact ? 0 : 1;
        });
        return command;
    }
}
