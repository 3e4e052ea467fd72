using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Pql.Core.Demo;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql generate</c>: write a seeded, realistic multi-product SaaS world as a workspace.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var defaults = new WorldOptions();
        var accounts = new Option<int>("--accounts") { Description = "Number of accounts.", DefaultValueFactory = _ => defaults.Accounts };
        var days = new Option<int>("--days") { Description = "Days of history, ending at --end.", DefaultValueFactory = _ => defaults.Days };
        var seed = new Option<long>("--seed") { Description = "Seed; the same options always write the same bytes.", DefaultValueFactory = _ => defaults.Seed };
        var end = new Option<string?>("--end")
        {
            Description = $"End of the period, YYYY-MM-DD (exclusive). [default: {defaults.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}]",
        };
        var dirty = new Option<double>("--dirty") { Description = "Share of dirty event rows, like real exports have.", DefaultValueFactory = _ => defaults.DirtyShare };
        var output = new Option<string>("--out", "-o") { Description = "The workspace folder to write.", Required = true };
        var threads = new Option<int?>("--threads") { Description = "Worker threads (default: all cores); never changes the output." };
        var command = new Command("generate",
            "Write a seeded, realistic multi-product SaaS world (accounts.csv, users.csv, events.csv.gz, pql.yaml) as a workspace.\n" +
            "Example: pql generate --accounts 2000 --days 180 --seed 7 --out demo-world")
        {
            accounts, days, seed, end, dirty, output, threads,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var options = new WorldOptions
            {
                Accounts = parse.GetValue(accounts),
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                End = ParseEnd(parse.GetValue(end)) ?? defaults.End,
                DirtyShare = parse.GetValue(dirty),
                OutputDirectory = parse.GetValue(output)!,
                MaxDegreeOfParallelism = parse.GetValue(threads),
            };
            DemoTarget.Prepare(options.OutputDirectory, clearState: true);
            var clock = Stopwatch.StartNew();
            var world = WorldGenerator.Generate(options, new ProgressLines(ctx));
            clock.Stop();
            var inv = CultureInfo.InvariantCulture;
            ctx.Out.WriteLine(string.Format(inv,
                "wrote {0}: {1:N0} accounts, {2:N0} users, {3:N0} event rows ({4:N0} dirty), events.csv.gz {5:N1} MB in {6:N1} s",
                world.Directory, world.Accounts, world.Users, world.EventRows, world.DirtyRows,
                world.EventsBytes / 1048576.0, clock.Elapsed.TotalSeconds));
            ctx.Detail(string.Format(inv, "outcomes: {0:N0} conversions, {1:N0} expansions, {2:N0} churned accounts",
                world.Conversions, world.Expansions, world.ChurnedAccounts));
            return 0;
        });
        return command;
    }

    private static DateOnly? ParseEnd(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new PqlInputException($"--end: '{text}' is not a date; use YYYY-MM-DD (e.g. 2026-11-01)");
    }

    /// <summary>Prints a progress line per tenth of the accounts (the generator reports from its own thread, in order).</summary>
    private sealed class ProgressLines(CliContext ctx) : IProgress<double>
    {
        private int _lastTenth;

        public void Report(double value)
        {
            var tenth = (int)(value * 10);
            if (tenth <= _lastTenth)
                return;
            _lastTenth = tenth;
            ctx.Progress($"generated {tenth * 10}% of accounts");
        }
    }
}
