using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Events;

namespace Pql.Cli.Commands;

/// <summary><c>pql report --goal G --out report.html</c>: the self-contained lift report, and its main figures on the terminal.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var (workspace, goal) = (CommonOptions.Workspace(), CommonOptions.Goal(required: true));
        var output = new Option<string>("--out", "-o") { Description = "The HTML file to write (self-contained: opens with no network).", Required = true };
        var runs = new Option<int>("--runs") { Description = "How many of the latest runs to measure.", DefaultValueFactory = _ => 12 };
        var command = new Command("report",
            "Performance of past runs (realized once their horizon passed, estimated before), achievement per tier, treated versus control per\n" +
            "playbook with 95% intervals, lift curve, calibration, tier flow, feedback, drift and the account health index, as one HTML file.\n" +
            "Example: pql report -w ws --goal conversion --out report.html") { workspace, goal, output, runs };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var data = await new ReportService().ReportAsync(new ReportRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!)
            {
                OutputHtml = parse.GetValue(output),
                Runs = parse.GetValue(runs),
                By = ctx.By,
                Log = ctx.Log,
            }, ct);
            var o = ctx.Out;
            foreach (var p in data.Performance)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {p.RunId} as of {Timestamps.Format(p.AsOfMs)}: {(p.Estimated ? "ESTIMATE" : "realized")} ROC AUC {p.Overall.RocAuc:0.###}, lift top 10% {p.Overall.LiftTopDecile:0.00}, achievers {p.Overall.Achievers:0.#} of {p.Overall.Rows}"));
            }
            foreach (var p in data.Playbooks)
            {
                var l = p.Lift;
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"playbook {p.Playbook}: treated {p.Treated}, control {p.Control} ({p.HoldoutShare:P1} held out, bounds {p.ShareLow}-{p.ShareHigh}), outbox {p.OutboxEntities}; lift {l.AbsoluteLift:P1} [{l.AbsoluteLow:P1}, {l.AbsoluteHigh:P1}], relative {l.RelativeLift:P0} [{l.RelativeLow:P0}, {l.RelativeHigh:P0}]"));
            }
            if (data.Drift.Report is { } drift)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"drift against version {drift.Version}'s training snapshot: {(drift.Drifted.Count == 0 ? "none above the threshold" : $"{drift.Drifted.Count} drifted: {ReportDrift.Names(drift.Drifted)}")}"));
            }
            else
                o.WriteLine($"drift: not measured: {data.Drift.Unavailable}");
            o.WriteLine($"report written to {Path.GetFullPath(parse.GetValue(output)!)}");
            return 0;
        });
        return command;
    }
}
