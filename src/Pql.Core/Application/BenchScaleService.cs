using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>
/// What <c>pql bench scale</c> runs: a clean generated world of about <see cref="Events"/> events (written once into
/// <see cref="Folder"/> and reused), the feature matrix at <see cref="Cutoffs"/> cutoffs timed by each of <see cref="Approaches"/>.
/// </summary>
public sealed record BenchScaleRequest
{
    public long Events { get; init; } = 100_000_000;
    public int Cutoffs { get; init; } = 6;
    /// <summary>Where the world is cached; default the temp folder, one per account count.</summary>
    public string? Folder { get; init; }
    /// <summary>Approach names (<see cref="BenchScaleApproaches.All"/>); default all.</summary>
    public IReadOnlyList<string> Approaches { get; init; } = BenchScaleApproaches.All;
    /// <summary>DuckDB's memory_limit; past it DuckDB spills to the workspace's .pql/duckdb-tmp.</summary>
    public long DuckDbMemoryLimitBytes { get; init; } = 3L << 30;
    /// <summary>HTTP endpoints of the ClickHouse nodes, comma-separated (the first is queried; two give the two-shard run); none skips ClickHouse.</summary>
    public string? ClickHouse { get; init; }
    /// <summary>Prefix of the ClickHouse tables; default names the world, so a later run reuses its loaded tables.</summary>
    public string? ClickHouseTable { get; init; }
    /// <summary>Drop the ClickHouse tables after the run (tests); by default they are kept for the next run.</summary>
    public bool DropClickHouseTables { get; init; }
    /// <summary>
    /// The command line that runs pql itself (e.g. [dotnet, pql.dll]): each approach then runs in a child process of its own, so its
    /// peak resident memory is its own. Null runs them one after the other in this process (peaks then accumulate).
    /// </summary>
    public IReadOnlyList<string>? SelfCommand { get; init; }
    /// <summary>Where progress lines go; none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;
}

/// <summary>The approach names <c>pql bench scale</c> knows, in the order it runs them.</summary>
public static class BenchScaleApproachNames
{
    public static IReadOnlyList<string> All => BenchScaleApproaches.All;
}

/// <summary>One approach's run: setup (load, timed apart), the matrix, its checksum, and the peak resident memory of its process.</summary>
public sealed record ScaleApproachResult
{
    public required string Approach { get; init; }
    public int Shards { get; init; } = 1;
    public long Events { get; init; }
    public double SetupSeconds { get; init; }
    /// <summary>What setup did (load the events into memory, load the accounts and users, insert into ClickHouse, reuse a loaded table).</summary>
    public string Setup { get; init; } = "";
    public double MatrixSeconds { get; init; }
    public int Rows { get; init; }
    public int Columns { get; init; }
    /// <summary>XxHash64 over column names and value bits (NaN canonical), in row order: equal means equal matrices.</summary>
    public string Checksum { get; init; } = "";
    /// <summary>VmHWM of the process that ran the approach (the client for ClickHouse: the servers' memory is theirs).</summary>
    public long PeakRssBytes { get; init; }
    /// <summary>VmRSS of the process when the approach started (the runtime and libraries), so the peak can be taken per event without it.</summary>
    public long BaseRssBytes { get; init; }
    /// <summary>False when approaches ran in one process, so the peak includes earlier approaches.</summary>
    public bool PeakIsOwn { get; init; }
    /// <summary>Bytes the approach keeps on disk for the events (input files, or ClickHouse parts).</summary>
    public long StorageBytes { get; init; }
    /// <summary>Why it did not run (does not fit, no server), or the error it stopped with.</summary>
    public string? NotRun { get; init; }
    public bool Failed { get; init; }

    /// <summary>Events read per second per shard by the matrix build.</summary>
    public double EventsPerSecondPerShard => MatrixSeconds > 0 ? Events / MatrixSeconds / Shards : 0;
    public double RowsPerSecond => MatrixSeconds > 0 ? Rows / MatrixSeconds : 0;
}

/// <summary>The machine's limits and, per approach, about how many events fit on it (estimates from the measured run).</summary>
public sealed record ScaleFit(string Approach, string Line);

public sealed record BenchScaleResult(BenchScaleWorldInfo World, int Cutoffs, IReadOnlyList<ScaleApproachResult> Approaches,
    long MachineRamBytes, long FreeDiskBytes, IReadOnlyList<ScaleFit> Fits, bool ChildProcesses)
{
    /// <summary>Whether every approach that ran produced the same matrix (checksum).</summary>
    public bool ChecksumsAgree => Approaches.Where(a => a.NotRun is null).Select(a => a.Checksum).Distinct().Count() <= 1;
}

/// <summary>
/// <c>pql bench scale</c>: the same feature matrix computed in memory, by DuckDB out of core, and by ClickHouse on one and two shards,
/// side by side, each in a process of its own, with where each stops fitting on this machine.
/// </summary>
public static class BenchScaleService
{
    public static BenchScaleResult Run(BenchScaleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var world = BenchScaleWorld.Ensure(request.Events, request.Folder, request.Log);
        var results = new List<ScaleApproachResult>();
        foreach (var approach in request.Approaches)
        {
            Log.Progress(request.Log, $"bench scale: {approach}");
            results.Add(request.SelfCommand is { } self
                ? BenchScaleChild.Run(self, request, world, approach)
                : RunApproach(request, world.Folder, approach, peakIsOwn: false));
        }
        var (ram, disk) = (BenchScaleFits.MachineRamBytes(), BenchScaleFits.FreeDiskBytes(world.Folder));
        return new BenchScaleResult(world, request.Cutoffs, results, ram, disk, BenchScaleFits.Lines(results, world, ram, disk, request), request.SelfCommand is not null);
    }

    /// <summary>One approach in this process (the child side of <see cref="Run"/>, or its in-process fallback); failures become the result's NotRun.</summary>
    public static ScaleApproachResult RunApproach(BenchScaleRequest request, string folder, string approach, bool peakIsOwn = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (peakIsOwn)
            BenchScaleChild.ExitWhenParentGoes();
        var baseRss = BenchScaleFits.CurrentRssBytes();
        try
        {
            return BenchScaleApproaches.Run(request, BenchScaleWorld.Open(folder), approach) with { PeakIsOwn = peakIsOwn, BaseRssBytes = baseRss };
        }
        catch (Exception e) when (e is PqlInputException or InvalidOperationException or IOException or HttpRequestException or OutOfMemoryException)
        {
            return new ScaleApproachResult { Approach = approach, NotRun = e.Message.Split('\n')[0], Failed = true, PeakRssBytes = BenchScaleFits.PeakRssBytes() };
        }
    }

    /// <summary>The line a child process prints for its parent.</summary>
    public static string ChildLine(ScaleApproachResult result) => BenchScaleChild.Serialize(result);

    private static void Validate(BenchScaleRequest request)
    {
        if (request.Events < 1000)
            throw new PqlInputException("--events: use at least 1,000 events");
        if (request.Cutoffs is < 1 or > 50)
            throw new PqlInputException("--cutoffs: between 1 and 50");
        if (request.DuckDbMemoryLimitBytes < 64L << 20)
            throw new PqlInputException("--duckdb-memory: at least 64 MB");
        foreach (var a in request.Approaches)
        {
            if (!BenchScaleApproaches.All.Contains(a))
                throw new PqlInputException($"--approaches: '{a}' is not one of {string.Join(", ", BenchScaleApproaches.All)}");
        }
    }

    internal static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
