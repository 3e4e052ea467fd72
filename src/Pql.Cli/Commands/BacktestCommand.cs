using System.CommandLine;
using Pql.Core.Application;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql backtest</c>: parse, call <see cref="BacktestService"/>, render.</summary>
internal static class BacktestCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: true);
        var at = new Option<string?>("--at")
        {
            Description = "Time to score at (ISO 8601); the engine trains with data up to it. Default: the latest event minus the horizon, at 00:00 UTC.",
        };
        var windows = new Option<int>("--windows") { Description = "Repeat at N successive times one step apart (ending at --at) and report mean and spread.", DefaultValueFactory = _ => 1 };
        var step = new Option<string?>("--step") { Description = "Step between windows, e.g. 7d (default training.step, else 7d)." };
        var compare = new Option<string[]>("--compare")
        {
            Description = "NAME=scores.csv: another tool's scores at --at in the contract's score format (entity_id,score,tier,top_drivers); {at} in the path becomes the window's date. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var format = new Option<string>("--format") { Description = "text, markdown or json.", DefaultValueFactory = _ => "text" };
        var rounds = new Option<int>("--rounds") { Description = "Bootstrap resamples per figure.", DefaultValueFactory = _ => 1000 };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: all cores)." };
        var command = new Command("backtest",
            "Measure the engine as a team would before trusting it: train with only the data up to T, score at T, and compare with " +
            "what happened in (T, T + horizon]: ROC AUC, PR AUC, lift in the top decile, Brier, calibration and achievement rate per tier, " +
            "each with a bootstrap 95% interval, for every candidate model and every --compare score file, side by side.\n" +
            "Example: pql backtest --workspace demo-world --goal conversion --compare notebook=notebook_conversion.csv")
        {
            workspace, goal, at, windows, step, compare, format, rounds, threads,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var request = new BacktestRequest
            {
                Workspace = parse.GetValue(workspace)!,
                Goal = parse.GetValue(goal)!,
                Options = new BacktestOptions
                {
                    AtMs = CommonOptions.ParseAsOf(parse.GetValue(at)),
                    Windows = parse.GetValue(windows),
                    StepMs = ParseStep(parse.GetValue(step)),
                    Compare = [.. (parse.GetValue(compare) ?? []).Select(ParseCompare)],
                    Rounds = parse.GetValue(rounds),
                    Threads = parse.GetValue(threads),
                    Log = ctx.Log,
                },
            };
            var result = BacktestService.BacktestAsync(request).GetAwaiter().GetResult();
            ctx.Detail(result.LoadSummary);
            ctx.Out.Write(BacktestRenderer.Render(result.Report, parse.GetValue(format)!));
            return 0;
        });
        return command;
    }

    private static long? ParseStep(string? text) =>
        text is null ? null
        : Duration.TryParseMs(text) is { } ms and > 0 ? ms
        : throw new PqlInputException($"--step: '{text}' is not a duration (e.g. 7d, 12h)");

    private static CompareSource ParseCompare(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == text.Length - 1)
            throw new PqlInputException($"--compare: '{text}' is not NAME=scores.csv");
        return new CompareSource(text[..eq], text[(eq + 1)..]);
    }
}
