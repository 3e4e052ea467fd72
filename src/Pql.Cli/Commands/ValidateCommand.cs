using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.Labels;

namespace Pql.Cli.Commands;

/// <summary><c>pql validate</c>: load the workspace and print a data-quality report.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var command = new Command("validate",
            "Check pql.yaml as a whole (every error in every section, with file, line and key; exit 2 when there is one), then " +
            "load the workspace and print a data-quality report: rows per file, rejects by reason, date range, " +
            "events per product and event name, accounts with no users, users with no events, and attributes " +
            "that look like leaked outcomes, goal events that never occur, thin selection windows, events before their account was " +
            "created and repeated column names.\nExample: pql validate --workspace examples/sparkify-dend-logs")
        {
            workspace,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var result = await ValidateService.ValidateAsync(new ValidateRequest(parse.GetValue(workspace)!) { Log = ctx.Log }, ct);
            foreach (var error in result.Errors)
                ctx.Err.WriteLine($"error: {error.Message}");
            if (!result.IsValid)
            {
                ctx.Err.WriteLine($"{result.Errors.Count} error(s) in pql.yaml");
                return 2;
            }
            Print(ctx.Out, result.Quality!, result.Leakage);
            foreach (var warning in result.Warnings)
                ctx.Out.WriteLine($"warning: {warning}");
            return 0;
        });
        return command;
    }

    private static void Print(TextWriter o, DataQualityReport r, IReadOnlyList<LeakageWarning> leakage)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine("Files");
        foreach (var f in r.Load.Files)
        {
            o.WriteLine(string.Create(inv, $"  {f.Table,-8} {Path.GetFileName(f.File),-40} read {f.Read,10:N0}  loaded {f.Loaded,10:N0}  duplicates {f.Duplicates,8:N0}  rejected {f.Rejected,8:N0}{(f.Filtered > 0 ? string.Create(inv, $"  filtered {f.Filtered,8:N0}") : "")}"));
        }
        o.WriteLine(r.Load.Summary());
        if (r.Load.RejectsByReason.Count > 0)
        {
            o.WriteLine("Rejects by reason");
            foreach (var (reason, n) in r.Load.RejectsByReason)
                o.WriteLine(string.Create(inv, $"  {n,8:N0}  {reason}"));
        }
        if (r.Load.ConflictingDuplicates > 0)
        {
            o.WriteLine(string.Create(inv, $"Duplicate ids with different values ({r.Load.ConflictingDuplicates:N0}; the first row of each id is kept)"));
            foreach (var line in r.Load.ConflictSamples)
                o.WriteLine("  " + line);
        }
        if (r.Load.ImplicitUsers > 0)
            o.WriteLine(string.Create(inv, $"Users found only in events (kept): {r.Load.ImplicitUsers:N0}"));
        o.WriteLine(string.Create(inv, $"Events from {Timestamps.Format(r.FirstEventMs)} to {Timestamps.Format(r.LastEventMs)}"));
        if (r.Load.LatencyMedianMs is { } median)
            o.WriteLine(string.Create(inv, $"Event latency (received_at - timestamp): median {median / 1000.0:F1} s, p95 {r.Load.LatencyP95Ms!.Value / 1000.0:F1} s"));
        o.WriteLine(string.Create(inv, $"Accounts {r.Accounts:N0} ({r.AccountsWithoutUsers:N0} with no users), users {r.Users:N0} ({r.UsersWithoutEvents:N0} with no events)"));
        o.WriteLine("Events per product");
        foreach (var (p, n) in r.EventsPerProduct)
            o.WriteLine(string.Create(inv, $"  {n,12:N0}  {p}"));
        o.WriteLine(string.Create(inv, $"Events per name ({r.EventsPerName.Count} names)"));
        foreach (var (p, n) in r.EventsPerName.Take(30))
            o.WriteLine(string.Create(inv, $"  {n,12:N0}  {p}"));
        foreach (var w in leakage)
            o.WriteLine(string.Create(inv, $"warning: attribute '{w.Attribute}' separates goal '{w.Goal}' achievers suspiciously well (AUC {w.Auc:F2}); if it is a snapshot taken after the outcome, list it under data.exclude_attributes"));
    }
}
