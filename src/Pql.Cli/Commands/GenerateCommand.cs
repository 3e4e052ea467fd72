using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;

namespace Pql.Cli.Commands;

/// <summary><c>pql generate</c>: write a seeded, realistic multi-product SaaS world as a workspace.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var defaults = GenerateRequest.Defaults;
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
        CliApp.SetHandler(command, (parse, ctx, ct) =>
        {
            var (world, elapsed) = GenerateService.Generate(new GenerateRequest(parse.GetValue(output)!)
            {
                Accounts = parse.GetValue(accounts),
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                End = parse.GetValue(end),
                DirtyShare = parse.GetValue(dirty),
                Threads = parse.GetValue(threads),
                Log = ctx.Log,
            }, ct);
            var inv = CultureInfo.InvariantCulture;
            ctx.Out.WriteLine(string.Format(inv,
                "wrote {0}: {1:N0} accounts, {2:N0} users, {3:N0} event rows ({4:N0} dirty), events.csv.gz {5:N1} MB in {6:N1} s",
                world.Directory, world.Accounts, world.Users, world.EventRows, world.DirtyRows,
                world.EventsBytes / 1048576.0, elapsed.TotalSeconds));
            ctx.Detail(string.Format(inv, "outcomes: {0:N0} conversions, {1:N0} expansions, {2:N0} churned accounts",
                world.Conversions, world.Expansions, world.ChurnedAccounts));
            return Task.FromResult(0);
        });
        return command;
    }
}
