using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary>
/// <c>pql bench ingest</c>: the engine's cold load of a world beside <c>zcat</c> of the same event files in one run,
/// then the load-once figures: a first command (parse + snapshot write), the reopen, and an append of a new file.
/// </summary>
internal static class BenchIngestCommand
{
    public static Command Create()
    {
        var events = new Option<long>("--events") { Description = "Events in the generated world (default 10,000,000).", DefaultValueFactory = _ => 10_000_000 };
        var workspace = new Option<string?>("--workspace", "-w") { Description = "Benchmark this workspace instead of a generated one." };
        var sequential = new Option<bool>("--sequential") { Description = "Also time the cold load parsing on one thread (LoadOptions.ParallelParse = false)." };
        var command = new Command("ingest",
            "Time the cold load (parse every file, no snapshot) of a world written by pql generate (kept in the temp folder\n" +
            "and reused) beside zcat of the same event files, and peak memory; then a first command (parse + snapshot write), the\n" +
            "snapshot's reopen, and an append (a new file in the last events table parses only that file).\n" +
            "Targets (issue 12): cold load <= 1.3x zcat, reopen < 1 s, peak <= 1.2 GB and <= 32 B/event for 10M events.\n" +
            "Example: pql bench ingest --events 10000000")
        {
            events, workspace, sequential,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var n = parse.GetValue(events);
            if (n < 1000)
                throw new PqlInputException("--events: use at least 1,000 events");
            var dir = parse.GetValue(workspace);
            var generated = false;
            if (dir is null)
            {
                var accounts = (int)Math.Max(1, n / 136);
                generated = !File.Exists(Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"pql-bench-world-{accounts}"), ConfigLoader.FileName));
                dir = BenchFeaturesCommand.EnsureWorld(accounts, ctx);
            }
            Run(ConfigLoader.Load(dir), generated, parse.GetValue(sequential), ctx);
            return 0;
        });
        return command;
    }

    private static void Run(WorkspaceConfig config, bool generatedHere, bool sequential, CliContext ctx)
    {
        var files = config.Data.Events.SelectMany(e => e.Paths).ToList();
        var bytes = files.Sum(f => new FileInfo(f).Length);
        ctx.Out.WriteLine(Inv($"event files: {files.Count} ({bytes / 1e6:F0} MB on disk)"));

        var (zcat, zcatCpu) = Decompress(files);
        ctx.Out.WriteLine(Inv($"zcat (to /dev/null)      {zcat,7:F2} s  CPU {zcatCpu:F2} s"));
        var gz = files.Where(f => f.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)).ToList();
        if (gz.Count > 0)
        {
            ctx.Out.WriteLine(Inv($"inflate in-process, zlib {Inflate(gz, (s, n) => new StrictGzipStream(s, n)),7:F2} s"));
            ctx.Out.WriteLine(IsalGzipStream.Available
                ? Inv($"inflate in-process, ISA-L{Inflate(gz, (s, n) => new IsalGzipStream(s, n)),7:F2} s")
                : "inflate in-process, ISA-L   (libisal2 not installed: apt-get install libisal2)");
        }

        GC.Collect();
        var (cold, coldSeconds, coldCpu) = ColdLoad(config, parallel: true, ctx);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        ctx.Out.WriteLine(Inv($"pql cold load            {coldSeconds,7:F2} s  = {coldSeconds / zcat:F2}x zcat (target <= 1.3x), CPU {coldCpu:F2} s; {cold.Store.EventCount:N0} events, {cold.Report.Summary()}"));
        ctx.Out.WriteLine(Inv($"peak memory (cold load)  {peak / 1e9,7:F2} GB (target <= 1.2 GB){(generatedHere ? "; includes generating the world in this process: run again for the load alone" : "")}"));
        ctx.Out.WriteLine(Inv($"resident event columns   {cold.Store.BytesPerEvent(),7:F1} B/event (target <= 32)"));

        if (sequential)
        {
            var (one, oneSeconds, oneCpu) = ColdLoad(config, parallel: false, ctx);
            ctx.Out.WriteLine(Inv($"pql cold load, 1 parser  {oneSeconds,7:F2} s  = {oneSeconds / zcat:F2}x zcat, CPU {oneCpu:F2} s; {one.Report.Summary()}"));
        }
        var events = cold.Store.EventCount;
        cold = null;
        GC.Collect();
        LoadOnceFigures(config, events / 100, ctx);
    }

    /// <summary>
    /// The load-once figures in the same run: a first command on these inputs (parse, then write the snapshot and the event ids),
    /// the next command's reopen, and an append: a new file (a copy of the first rows of the last events file with new event ids,
    /// 1% of the events) added to the last events table, as a glob would list it, which must parse only that file.
    /// </summary>
    private static void LoadOnceFigures(WorkspaceConfig config, long appendRows, CliContext ctx)
    {
        var snapshot = LoadSnapshot.PathOf(config);
        var ids = LoadSnapshot.EventIdsPathOf(config);
        var options = new LoadOptions { Log = ctx.Log };
        File.Delete(snapshot);
        File.Delete(ids);
        var clock = Stopwatch.StartNew();
        var first = WorkspaceLoader.Load(config, options);
        var firstSeconds = clock.Elapsed.TotalSeconds;
        ctx.Out.WriteLine(Inv($"first command (parse + snapshot write) {firstSeconds,5:F2} s  ({new FileInfo(snapshot).Length / 1e6:F0} MB snapshot, {new FileInfo(ids).Length / 1e6:F0} MB event ids, {first.Store.Properties.Count} property columns); process peak so far {Peak():F2} GB"));
        first = null;
        GC.Collect();

        clock.Restart();
        var reopened = WorkspaceLoader.Load(config, options);
        var reopenSeconds = clock.Elapsed.TotalSeconds;
        if (!reopened.Report.FromSnapshot)
            throw new InvalidOperationException("the snapshot just written was not reopened");
        ctx.Out.WriteLine(Inv($"snapshot reopen          {reopenSeconds,7:F2} s  (target < 1 s); {reopened.Store.EventCount:N0} events"));
        reopened = null;
        GC.Collect();

        var table = config.Data.Events[^1];
        var added = Path.Combine(Path.GetDirectoryName(table.Paths[^1])!, "pql-bench-append" + (table.Paths[^1].EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? ".csv.gz" : ".csv"));
        try
        {
            var rows = BenchAppendFile.Write(table.Paths[^1], added, Math.Max(1, appendRows));
            var appendConfig = config with { Data = config.Data with { Events = [.. config.Data.Events.SkipLast(1), table with { Paths = [.. table.Paths, added] }] } };
            clock.Restart();
            var appended = WorkspaceLoader.Load(appendConfig, options);
            var appendSeconds = clock.Elapsed.TotalSeconds;
            var how = appended.Report.Appended ? Inv($"parsed {appended.Report.FilesParsed} file") : Inv($"NOT appended: parsed {appended.Report.FilesParsed} files (see the progress lines for why)");
            ctx.Out.WriteLine(Inv($"append {rows:N0} rows (1 new file) {appendSeconds,5:F2} s  ({how}, snapshot rewritten); {appended.Store.EventCount:N0} events; process peak so far {Peak():F2} GB"));
        }
        finally
        {
            File.Delete(added);
            File.Delete(snapshot); // keyed for the appended file list: stale for the world as written
            File.Delete(ids);
        }
    }

    /// <summary>A cold load (no snapshot, no rejects file) with its wall and CPU seconds (all threads of this process).</summary>
    private static (LoadResult Result, double Seconds, double Cpu) ColdLoad(WorkspaceConfig config, bool parallel, CliContext ctx)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = WorkspaceLoader.Load(config, new LoadOptions { Snapshot = false, WriteRejects = false, ParallelParse = parallel, Log = ctx.Log });
        var seconds = clock.Elapsed.TotalSeconds;
        return (result, seconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>Seconds one inflater takes to decompress the files on this thread, output discarded.</summary>
    private static double Inflate(List<string> files, Func<Stream, string, Stream> open)
    {
        var clock = Stopwatch.StartNew();
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            using var stream = open(File.OpenRead(file), Path.GetFileName(file));
            while (stream.Read(buffer) > 0)
            {
            }
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Wall and CPU seconds zcat (cat for plain files) takes to decompress the files to /dev/null (CPU from the shell's <c>times</c>).</summary>
    private static (double Seconds, double Cpu) Decompress(List<string> files)
    {
        var clock = Stopwatch.StartNew();
        var cpu = 0.0;
        foreach (var file in files)
        {
            var tool = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? "zcat" : "cat";
            using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"{tool} \"$0\" > /dev/null; times", file]) { UseShellExecute = false, RedirectStandardOutput = true })
                ?? throw new InvalidOperationException($"could not start {tool}");
            var times = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{tool} {file} exited with {process.ExitCode}");
            cpu += ChildCpuSeconds(times);
        }
        return (clock.Elapsed.TotalSeconds, cpu);
    }

    /// <summary>User + system seconds of the children from the output of sh's <c>times</c> (second line: "0m2.58s 0m0.07s").</summary>
    private static double ChildCpuSeconds(string times)
    {
        var lines = times.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var total = 0.0;
        foreach (var part in lines.Length >= 2 ? lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [])
        {
            var m = part.IndexOf('m', StringComparison.Ordinal);
            if (m > 0 && double.TryParse(part.AsSpan(0, m), NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes)
                && double.TryParse(part.AsSpan(m + 1).TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                total += 60 * minutes + seconds;
        }
        return total;
    }

    /// <summary>This process's peak resident memory so far, in GB (the load-once steps run after the cold load's figure is taken).</summary>
    private static double Peak() => Process.GetCurrentProcess().PeakWorkingSet64 / 1e9;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
