using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>
/// What <c>pql bench features</c> times: a workspace's files (<see cref="Workspace"/>), the generated world for
/// <see cref="Accounts"/> accounts, or a synthetic in-memory store; the feature build at <see cref="Cutoffs"/> cutoffs 30 days apart.
/// </summary>
public sealed record BenchFeaturesRequest
{
    public long Events { get; init; } = 10_000_000;
    /// <summary>Accounts of the generated world; default events / 136, the generator's mean.</summary>
    public int? Accounts { get; init; }
    public int Cutoffs { get; init; } = 6;
    public string? Workspace { get; init; }
    public bool Synthetic { get; init; }
    /// <summary>Threads for the feature build; -1 for all cores.</summary>
    public int Threads { get; init; } = -1;
    /// <summary>Feature families, comma-separated, or "all".</summary>
    public string Families { get; init; } = "all";
    /// <summary>Run the pandas peer on the same events file and cutoffs (file loads only).</summary>
    public bool Peer { get; init; } = true;
    /// <summary>Where progress lines go; none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;
}

/// <summary>The store that was timed: where it came from and its size.</summary>
public sealed record BenchStore(string? WorkspaceDirectory, long Events, int Accounts, int Users, double BytesPerEvent);

/// <summary>
/// One <c>pql bench features</c> run: the world used (when generated or reused), the store, the load (file loads) or in-memory
/// generation time, the feature build and the peer's run beside ours.
/// </summary>
public sealed record BenchFeaturesResult(BenchWorldResult? World, BenchStore Store, double? LoadSeconds, double LoadCpuSeconds,
    double SyntheticSeconds, int Rows, int Columns, int Cutoffs, string Families, double FeatureSeconds, double FeatureCpuSeconds,
    double PeakMemoryMb, PandasPeerRun? Peer)
{
    /// <summary>Our load plus features, the figure the peer is compared with.</summary>
    public double OursWallSeconds => (LoadSeconds ?? 0) + FeatureSeconds;
    public double OursCpuSeconds => LoadCpuSeconds + FeatureCpuSeconds;
}

/// <summary><c>pql bench features</c>: time loading and the full feature matrix on a large world, against the pandas peer.</summary>
public static class BenchFeaturesService
{
    private const long DayMs = 86_400_000L;

    public static BenchFeaturesResult Run(BenchFeaturesRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Events < 1000)
            throw new PqlInputException("--events: use at least 1,000 events");
        if (request.Cutoffs is < 1 or > 50)
            throw new PqlInputException("--cutoffs: between 1 and 50");
        var familySet = FeatureFamilyNames.Parse(request.Families);
        var accounts = request.Accounts ?? (int)Math.Max(1, request.Events / 136);
        var dir = request.Workspace;
        BenchWorldResult? world = null;
        if (dir is null && !request.Synthetic)
        {
            world = BenchWorld.Ensure(accounts, request.Log);
            dir = world.Directory;
        }

        var clock = Stopwatch.StartNew();
        EventStore store;
        WorkspaceConfig? config = null;
        var featureConfig = FeatureConfig.Default;
        double? loadSeconds = null;
        var loadCpu = 0.0;
        var syntheticSeconds = 0.0;
        if (dir is not null)
        {
            config = ConfigLoader.Load(dir);
            featureConfig = FeatureConfig.Parse(config);
            store = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = featureConfig.PropertyKeysNeeded, Log = request.Log, WriteRejects = false }).Store;
            loadSeconds = clock.Elapsed.TotalSeconds;
            loadCpu = CpuSeconds();
        }
        else
        {
            Log.Progress(request.Log, string.Create(CultureInfo.InvariantCulture, $"generating {request.Events:N0} synthetic events in memory"));
            store = SyntheticEvents.Build(request.Events, accounts);
            syntheticSeconds = clock.Elapsed.TotalSeconds;
        }

        var cutoffs = Cutoffs(store.MaxTime, request.Cutoffs);
        var (entities, times) = Rows(store, cutoffs);
        var cpu = CpuSeconds();
        clock.Restart();
        var engine = new FeatureEngine(store, featureConfig, config, familySet) { MaxDegreeOfParallelism = request.Threads };
        var matrix = engine.Build(EntityKind.Account, entities, times);
        var featureSeconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = CpuSeconds() - cpu;
        double peakMb;
        using (var process = Process.GetCurrentProcess())
        {
            process.Refresh();
            peakMb = process.PeakWorkingSet64 / (1024.0 * 1024);
        }
        var peer = config is not null && request.Peer ? PandasPeer.Run(config, cutoffs, request.Log) : null;
        return new BenchFeaturesResult(world, new BenchStore(config?.Directory, store.EventCount, store.AccountCount, store.UserCount, store.BytesPerEvent()),
            loadSeconds, loadCpu, syntheticSeconds, matrix.RowCount, matrix.ColumnCount, request.Cutoffs,
            familySet == FeatureFamilies.All ? "all families" : familySet.ToString().ToLowerInvariant(), featureSeconds, cpuSeconds, peakMb, peer);
    }

    /// <summary>Cutoffs 30 days apart, the latest at the last event's day (00:00 UTC), oldest first.</summary>
    internal static long[] Cutoffs(long maxTime, int count)
    {
        var day = maxTime / DayMs * DayMs;
        var list = new long[count];
        for (var k = 0; k < count; k++)
            list[k] = day - (count - 1 - k) * 30 * DayMs;
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
}
