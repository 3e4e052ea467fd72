using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pql.Core.Application;

/// <summary>
/// Runs one approach of <c>pql bench scale</c> in a child process (pql itself, with the hidden <c>--approach</c> option), so the peak
/// resident memory it reports (VmHWM) is that approach's alone. The child prints one JSON line, prefixed so other output cannot be
/// taken for it. The parent holds the child's standard input open and never writes to it: when the parent dies (killed, Ctrl-C),
/// the pipe closes and the child exits too, instead of computing for minutes with nobody to read its line.
/// </summary>
internal static class BenchScaleChild
{
    public const string LinePrefix = "pql-bench-scale-result ";

    /// <summary>Set in a child's environment: its standard input is the parent's lifeline (<see cref="ExitWhenParentGoes"/>).</summary>
    public const string LifelineVariable = "PQL_BENCH_PARENT_LIFELINE";

    public static string Serialize(ScaleApproachResult result) => LinePrefix + JsonSerializer.Serialize(result);

    public static ScaleApproachResult Run(IReadOnlyList<string> self, BenchScaleRequest request, BenchScaleWorldInfo world, string approach)
    {
        var start = new ProcessStartInfo(self[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[LifelineVariable] = "1";
        foreach (var arg in self.Skip(1))
            start.ArgumentList.Add(arg);
        foreach (var arg in Arguments(request, world, approach))
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {self[0]}");
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith(LinePrefix, StringComparison.Ordinal));
        if (line is not null)
            return JsonSerializer.Deserialize<ScaleApproachResult>(line[LinePrefix.Length..]) ?? throw new InvalidDataException("empty result line");
        var why = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        return new ScaleApproachResult
        {
            Approach = approach, Events = world.Events, Failed = true,
            NotRun = string.Create(CultureInfo.InvariantCulture, $"the child process exited with {child.ExitCode}{(child.ExitCode == 137 ? " (killed: out of memory?)" : "")}: {why}"),
        };
    }

    /// <summary>
    /// In a child started by <see cref="Run"/>: a background thread reads standard input until it ends, which happens only when the
    /// parent has gone, and then ends this process.
    /// </summary>
    public static void ExitWhenParentGoes()
    {
        if (Environment.GetEnvironmentVariable(LifelineVariable) != "1")
            return;
        WatchLifeline(Console.OpenStandardInput(), () => Environment.Exit(3));
    }

    /// <summary>Calls <paramref name="onClosed"/> once <paramref name="lifeline"/> ends (or fails), from a background thread.</summary>
    internal static Thread WatchLifeline(Stream lifeline, Action onClosed)
    {
        var thread = new Thread(() =>
        {
            var buffer = new byte[64];
            try
            {
                while (lifeline.Read(buffer) > 0)
                {
                    // the parent never writes; bytes from elsewhere are ignored
                }
            }
            catch (IOException)
            {
                // a broken pipe is the parent gone, as an end of stream is
            }
            onClosed();
        }) { IsBackground = true, Name = "pql-bench-lifeline" };
        thread.Start();
        return thread;
    }

    private static List<string> Arguments(BenchScaleRequest request, BenchScaleWorldInfo world, string approach)
    {
        var args = new List<string>
        {
            "bench", "scale", "--approach", approach, "--folder", world.Folder,
            "--cutoffs", request.Cutoffs.ToString(CultureInfo.InvariantCulture),
            "--duckdb-memory-mb", (request.DuckDbMemoryLimitBytes >> 20).ToString(CultureInfo.InvariantCulture),
        };
        if (request.ClickHouse is { } ch)
            args.AddRange(["--clickhouse", ch]);
        if (request.ClickHouseTable is { } table)
            args.AddRange(["--clickhouse-table", table]);
        if (request.DropClickHouseTables)
            args.Add("--drop-tables");
        return args;
    }
}
