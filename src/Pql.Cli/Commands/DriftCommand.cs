using System.CommandLine;
using Pql.Core.Application;
using Pql.Core.Governance;

namespace Pql.Cli.Commands;

/// <summary><c>pql drift</c>: parse, call <see cref="DriftService"/>, render.</summary>
internal static class DriftCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: true);
        var asOf = CommonOptions.AsOf();
        var format = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        var threshold = new Option<double>("--threshold")
        {
            Description = "Distance above which a measure is reported as drifted (normalized Wasserstein for numbers, Jensen-Shannon for categories).",
            DefaultValueFactory = _ => DriftAnalyzer.DefaultThreshold,
        };
        var noAlerts = new Option<bool>("--no-alerts") { Description = "Measure only: do not fire drift_above triggers." };
        var command = new Command("drift",
            "Measure drift of every feature and of the score, overall and per segment, against the training snapshot of the goal's current " +
            "version: Wasserstein distance (numeric, in reference standard deviations), Jensen-Shannon distance (categorical), PSI beside " +
            "them. Fires the goal's drift_above triggers and delivers their playbooks.\n" +
            "Example: pql drift --workspace demo-world --goal conversion --format json")
        {
            workspace, goal, asOf, format, threshold, noAlerts,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var result = await new DriftService().CheckAsync(new DriftRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!)
            {
                AsOfMs = CommonOptions.ParseAsOf(parse.GetValue(asOf)),
                Threshold = parse.GetValue(threshold),
                Alert = !parse.GetValue(noAlerts),
                Deliver = true,
                By = ctx.By,
                Log = ctx.Log,
            }, ct);
            ctx.Out.Write(DriftRenderer.Render(result, parse.GetValue(format)!));
            return 0;
        });
        return command;
    }
}
