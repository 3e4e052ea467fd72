using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pql.Core.Demo;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql bench features</c>: time loading and the full feature matrix on a large world, against the pandas peer.</summary>
internal static class BenchFeaturesCommand
{
    private const string PeerScript = "../shared/peers/pandas_features.py";

    /// <summary>The <c>features</c> subcommand of <c>pql bench</c>.</summary>
    public static Command Create()
    {
        var events = new Option<long>("--events") { Description = "Events in the synthetic world (default 10,000,000).", DefaultValueFactory = _ => 10_000_000 };
        var accounts = new Option<int?>("--accounts") { Description = "Accounts of the generated world (default: events / 136, the generator's mean)." };
        var cutoffs = new Option<int>("--cutoffs") { Description = "Cutoffs, 30 days apart, ending at the last event (default 6).", DefaultValueFactory = _ => 6 };
        var workspace = new Option<string?>("--workspace", "-w") { Description = "Benchmark this workspace instead of a generated one." };
        var synthetic = new Option<bool>("--synthetic") { Description = "Build a synthetic store in memory instead of loading files (no load time, no peer)." };
        var threads = new Option<int>("--threads") { Description = "Threads for the feature build (default: all cores).", DefaultValueFactory = _ => -1 };
        var families = new Option<string>("--families") { Description = "Feature families to build, comma-separated (default all).", DefaultValueFactory = _ => "all" };
        var peer = new Option<bool>("--peer") { Description = "Run the pandas peer on the same events file and cutoffs (workspace only; default true).", DefaultValueFactory = _ => true };
        var features = new Command("features",
            "Time the load and the full feature matrix (all families, every account at each cutoff) on a world written by\n" +
            "pql generate (kept in the temp folder and reused), then run the pandas peer (../shared/peers/pandas_features.py)\n" +
            "on the same file and cutoffs and print the ratio.\n" +
            "Example: pql bench features --events 10000000 --cutoffs 6")
        {
            events, accounts, cutoffs, workspace, synthetic, threads, families, peer,
        };
        CliApp.SetHandler(features, (parse, ctx) =>
        {
            var n = parse.GetValue(events);
            var cuts = parse.GetValue(cutoffs);
            if (n < 1000)
                throw new PqlInputException("--events: use at least 1,000 events");
            if (cuts is < 1 or > 50)
                throw new PqlInputException("--cutoffs: between 1 and 50");
            var accountCount = parse.GetValue(accounts) ?? (int)Math.Max(1, n / 136);
            var dir = parse.GetValue(workspace);
            if (dir is null && !parse.GetValue(synthetic))
                dir = EnsureWorld(accountCount, ctx);
            var options = new BenchRun(n, accountCount, cuts, dir, parse.GetValue(threads), FeatureFamilyNames.Parse(parse.GetValue(families)!), parse.GetValue(peer));
            Run(options, ctx);
            return 0;
        });
        return features;
    }

    /// <summary>The generated world for this many accounts in the temp folder, written once and reused.</summary>
    internal static string EnsureWorld(int accounts, CliContext ctx)
    {
        var dir = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"pql-bench-world-{accounts}"));
        if (File.Exists(Path.Combine(dir, ConfigLoader.FileName)))
        {
            ctx.Out.WriteLine($"world: reusing {dir}");
            return dir;
        }
        ctx.Progress($"generating {accounts:N0} accounts into {dir}");
        var clock = Stopwatch.StartNew();
        var world = WorldGenerator.Generate(new WorldOptions { Accounts = accounts, OutputDirectory = dir });
        ctx.Out.WriteLine(Inv($"world: generated {world.EventRows:N0} event rows for {world.Accounts:N0} accounts into {dir} in {clock.Elapsed.TotalSeconds:F1} s"));
        return dir;
    }

    private sealed record BenchRun(long Events, int Accounts, int Cutoffs, string? Workspace, int Threads, FeatureFamilies Families, bool Peer);

    private static void Run(BenchRun run, CliContext ctx)
    {
        var clock = Stopwatch.StartNew();
        EventStore store;
        WorkspaceConfig? config = null;
        FeatureConfig featureConfig = FeatureConfig.Default;
        double? loadSeconds = null;
        var loadCpu = 0.0;
        if (run.Workspace is { } dir)
        {
            config = ConfigLoader.Load(dir);
            featureConfig = FeatureConfig.Parse(config);
            store = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = featureConfig.PropertyKeysNeeded, Progress = ctx.Progress, WriteRejects = false }).Store;
            loadSeconds = clock.Elapsed.TotalSeconds;
            loadCpu = CpuSeconds();
            ctx.Out.WriteLine(Inv($"workspace {config.Directory}: {store.EventCount:N0} events, {store.AccountCount:N0} accounts, {store.UserCount:N0} users"));
            ctx.Out.WriteLine(Inv($"load: {loadSeconds:F2} s wall, {loadCpu:F2} s CPU ({store.EventCount / loadSeconds:N0} events/s)"));
        }
        else
        {
            ctx.Progress($"generating {run.Events:N0} synthetic events in memory");
            store = SyntheticEvents.Build(run.Events, run.Accounts);
            var seconds = clock.Elapsed.TotalSeconds;
            ctx.Out.WriteLine(Inv($"synthetic in-memory world: {store.EventCount:N0} events, {store.AccountCount:N0} accounts, {store.UserCount:N0} users"));
            ctx.Out.WriteLine(Inv($"load: n/a (generated in memory in {seconds:F2} s; pass --workspace to time a file load)"));
        }

        var cutoffs = Cutoffs(store.MaxTime, run.Cutoffs);
        var (entities, times) = Rows(store, cutoffs);
        var cpu = CpuSeconds();
        clock.Restart();
        var engine = new FeatureEngine(store, featureConfig, config, run.Families) { MaxDegreeOfParallelism = run.Threads };
        var matrix = engine.Build(EntityKind.Account, entities, times);
        var featureSeconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = CpuSeconds() - cpu;
        var families = run.Families == FeatureFamilies.All ? "all families" : run.Families.ToString().ToLowerInvariant();
        ctx.Out.WriteLine(Inv($"features: {matrix.RowCount:N0} rows x {matrix.ColumnCount} columns ({run.Cutoffs} cutoffs, {families}) in {featureSeconds:F2} s wall, {cpuSeconds:F2} s CPU ({matrix.RowCount / featureSeconds:N0} rows/s, {Environment.ProcessorCount} cores)"));
        using (var process = Process.GetCurrentProcess())
        {
            process.Refresh();
            ctx.Out.WriteLine(Inv($"peak memory: {process.PeakWorkingSet64 / (1024.0 * 1024):N0} MB; event store: {store.BytesPerEvent():F1} bytes/event"));
        }

        if (run.Workspace is null || !run.Peer || loadSeconds is null)
            return;
        RunPeer(config!, cutoffs, (loadSeconds.Value + featureSeconds, loadCpu + cpuSeconds), ctx);
    }

    /// <summary>Cutoffs 30 days apart, the latest at the last event's day (00:00 UTC), oldest first.</summary>
    internal static long[] Cutoffs(long maxTime, int count)
    {
        var day = maxTime / FeaturePlanDays.DayMs * FeaturePlanDays.DayMs;
        var list = new long[count];
        for (var k = 0; k < count; k++)
            list[k] = day - (count - 1 - k) * 30 * FeaturePlanDays.DayMs;
        return list;
    }

    private static (int[] Entities, long[] Cutoffs) Rows(EventStore store, long[] cutoffs)
    {
        var entities = new List<int>();
        var times = new List<long>();
        foreach (var t in cutoffs)
        {
            for (var a = 0; a < store.AccountCount; a++)
            {
                if (store.AccountCreatedAt[a] > t)
                    continue;
                entities.Add(a);
                times.Add(t);
            }
        }
        return ([.. entities], [.. times]);
    }

    private static double CpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    private static void RunPeer(WorkspaceConfig config, long[] cutoffs, (double Wall, double Cpu) ours, CliContext ctx)
    {
        var script = FindPeer();
        if (script is null || !PythonHasPandas())
        {
            ctx.Out.WriteLine("pandas peer: not run (needs /usr/bin/python3 with pandas: apt-get install -y python3-pandas, and " + PeerScript + ")");
            return;
        }
        if (config.Data.Events is not [{ Paths: [var events] }])
        {
            ctx.Out.WriteLine("pandas peer: not run (it reads one events file; the workspace has several)");
            return;
        }
        var args = new List<string> { script, "--events", events, "--cutoffs", string.Join(',', cutoffs.Select(Timestamps.Format)) };
        if (config.Data.Users is { Origin: TableOrigin.Files, Paths: [var users, ..] })
            args.AddRange(["--users", users]);
        ctx.Progress("running the pandas peer");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(PandasShim);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            ctx.Out.WriteLine($"pandas peer: failed (exit {p.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}");
            return;
        }
        if (stderr.Result.Contains("pql-shim", StringComparison.Ordinal))
            ctx.Out.WriteLine("pandas peer: pandas < 2.0 ignores format=\"ISO8601\" as a literal format and drops every row, so the run drops that argument (pandas 1.x parses ISO 8601 by default)");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var load = json.RootElement.GetProperty("load_seconds").GetDouble();
        var feat = json.RootElement.GetProperty("feature_seconds").GetDouble();
        ctx.Out.WriteLine(Inv($"pandas peer: load {load:F2} s + features {feat:F2} s = {load + feat:F2} s ({json.RootElement.GetProperty("rows").GetInt64():N0} rows x {json.RootElement.GetProperty("columns").GetInt64()} columns)"));
        ctx.Out.WriteLine(Inv($"pql load + features: {ours.Wall:F2} s; pandas / pql = {(load + feat) / ours.Wall:F1}x wall (target >= 10x)"));
        var cpuLine = stderr.Result.Split('\n').FirstOrDefault(l => l.StartsWith("pql-cpu ", StringComparison.Ordinal));
        if (cpuLine is not null && double.TryParse(cpuLine.AsSpan(8), NumberStyles.Float, CultureInfo.InvariantCulture, out var peerCpu))
            ctx.Out.WriteLine(Inv($"CPU seconds: pandas {peerCpu:F1} s, pql load + features {ours.Cpu:F1} s; pandas / pql = {peerCpu / ours.Cpu:F1}x"));
    }

    /// <summary>shared/peers/pandas_features.py in the current folder or any folder above it (../shared from the repository).</summary>
    private static string? FindPeer()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "peers", "pandas_features.py");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>
    /// Runs the peer script unchanged, except that on pandas &lt; 2.0 <c>to_datetime(format="ISO8601")</c> (a pandas 2 option
    /// that 1.x reads as a literal strptime format, turning every timestamp into NaT) is called without that format.
    /// </summary>
    private const string PandasShim = """
        import os, sys, runpy
        import pandas as pd
        if int(pd.__version__.split('.')[0]) < 2:
            _to_datetime = pd.to_datetime
            def _patched(*a, **k):
                if k.get('format') == 'ISO8601':
                    del k['format']
                return _to_datetime(*a, **k)
            pd.to_datetime = _patched
            print('pql-shim', file=sys.stderr)
        script = sys.argv[1]
        sys.argv = sys.argv[1:]
        try:
            runpy.run_path(script, run_name='__main__')
        finally:
            t = os.times()
            print('pql-cpu %.3f' % (t.user + t.system), file=sys.stderr)
        """;

    private static bool PythonHasPandas()
    {
        if (!File.Exists("/usr/bin/python3"))
            return false;
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import pandas");
        using var p = Process.Start(psi);
        p?.WaitForExit();
        return p?.ExitCode == 0;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static class FeaturePlanDays
    {
        public const long DayMs = 86_400_000L;
    }
}
