using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Pql.Core.Application;

namespace Pql.Cli.Commands;

/// <summary><c>pql bench scale</c>: the feature matrix in memory, by DuckDB out of core and by ClickHouse on one and two shards, side by side.</summary>
internal static class BenchScaleCommand
{
    public static Command Create()
    {
        var events = new Option<long>("--events") { Description = "Events in the clean generated world (default 100,000,000).", DefaultValueFactory = _ => 100_000_000 };
        var cutoffs = new Option<int>("--cutoffs") { Description = "Cutoffs, 30 days apart, ending at the world's last day (default 6).", DefaultValueFactory = _ => 6 };
        var folder = new Option<string?>("--folder") { Description = "Where the world is written once and reused (default: the temp folder, one per size)." };
        var approaches = new Option<string>("--approaches")
        {
            Description = "Approaches, comma-separated (default all): " + string.Join(", ", BenchScaleApproachNames.All),
            DefaultValueFactory = _ => string.Join(",", BenchScaleApproachNames.All),
        };
        var duckMemory = new Option<long>("--duckdb-memory-mb") { Description = "DuckDB's memory_limit in MB (default 3072); past it DuckDB spills to disk.", DefaultValueFactory = _ => 3072 };
        var clickHouse = new Option<string?>("--clickhouse") { Description = "ClickHouse HTTP endpoints, comma-separated (two for the two-shard run; default: PQL_BENCH_CH)." };
        var table = new Option<string?>("--clickhouse-table") { Description = "Prefix of the ClickHouse tables (default names the world; loaded tables are reused)." };
        var drop = new Option<bool>("--drop-tables") { Description = "Drop the ClickHouse tables after the run." };
        var inProcess = new Option<bool>("--in-process") { Description = "Run every approach in this process (peak memory then accumulates across approaches)." };
        var approach = new Option<string?>("--approach") { Hidden = true, Description = "Run one approach in this process and print its result line (the child side)." };
        var scale = new Command("scale",
            "Generate a clean world once (cached), then time the full feature matrix at every cutoff with DuckDB out of core (peak\n" +
            "memory printed), ClickHouse on one shard and on two (loading timed apart), and in memory where it fits; each approach in\n" +
            "its own process. Prints the figures side by side, equal checksums, and where each approach stops fitting on this machine.\n" +
            "Example: pql bench scale --events 10000000 --clickhouse http://127.0.0.1:18123/,http://127.0.0.1:18124/")
        {
            events, cutoffs, folder, approaches, duckMemory, clickHouse, table, drop, inProcess, approach,
        };
        CliApp.SetHandler(scale, (parse, ctx) =>
        {
            var request = new BenchScaleRequest
            {
                Events = parse.GetValue(events),
                Cutoffs = parse.GetValue(cutoffs),
                Folder = parse.GetValue(folder),
                Approaches = parse.GetValue(approaches)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                DuckDbMemoryLimitBytes = parse.GetValue(duckMemory) << 20,
                ClickHouse = parse.GetValue(clickHouse),
                ClickHouseTable = parse.GetValue(table),
                DropClickHouseTables = parse.GetValue(drop),
                SelfCommand = parse.GetValue(inProcess) ? null : Self(),
                Log = ctx.Log,
            };
            if (parse.GetValue(approach) is { } one)
            {
                ctx.Out.WriteLine(BenchScaleService.ChildLine(BenchScaleService.RunApproach(request, parse.GetValue(folder)
                    ?? throw new Pql.Core.Workspace.PqlInputException("--approach needs --folder"), one)));
                return 0;
            }
            Render(BenchScaleService.Run(request), ctx.Out);
            return 0;
        });
        return scale;
    }

    /// <summary>How to run this pql again: the apphost, or dotnet with the entry assembly.</summary>
    private static string[] Self()
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown; use --in-process");
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? [exe, Assembly.GetEntryAssembly()!.Location] : [exe];
    }

    private static void Render(BenchScaleResult r, TextWriter o)
    {
        o.WriteLine(r.World.Line);
        o.WriteLine(Inv($"machine: {Environment.ProcessorCount} cores, {r.MachineRamBytes / (double)(1L << 30):F1} GB RAM, {r.FreeDiskBytes / (double)(1L << 30):F0} GB free disk; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        o.WriteLine(Inv($"matrix: every account created by each of {r.Cutoffs} cutoffs (30 days apart), all families; {(r.ChildProcesses ? "each approach in its own process" : "all approaches in this process (peaks accumulate)")}"));
        o.WriteLine();
        o.WriteLine(Inv($"{"approach",-13} {"shards",6} {"setup s",9} {"matrix s",9} {"rows",10} {"cols",5} {"rows/s",10} {"events/s/shard",15} {"peak RSS",9}  checksum"));
        foreach (var a in r.Approaches)
        {
            if (a.NotRun is { } why)
            {
                o.WriteLine(Inv($"{a.Approach,-13} {a.Shards,6}  {(a.Failed ? "failed" : "not run")}: {why}"));
                continue;
            }
            o.WriteLine(Inv($"{a.Approach,-13} {a.Shards,6} {a.SetupSeconds,9:F1} {a.MatrixSeconds,9:F2} {a.Rows,10:N0} {a.Columns,5} {a.RowsPerSecond,10:N0} {a.EventsPerSecondPerShard,15:N0} {a.PeakRssBytes / (double)(1L << 30),6:F2} GB  {a.Checksum}"));
        }
        o.WriteLine();
        foreach (var a in r.Approaches.Where(a => a.NotRun is null))
            o.WriteLine(Inv($"setup {a.Approach}: {a.Setup}"));
        o.WriteLine(r.ChecksumsAgree ? "checksums: equal (every approach computed the same matrix)" : "checksums: DIFFER between approaches");
        o.WriteLine();
        o.WriteLine("where each approach stops fitting on this machine (estimates from this run):");
        foreach (var f in r.Fits)
            o.WriteLine("  " + f.Line);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
