using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Features.Sql;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>
/// The approaches <c>pql bench scale</c> compares, each computing the same matrix (every account created by each cutoff, all families):
/// in memory (the events loaded into the store), DuckDB out of core over the event file with a memory limit, and ClickHouse on one
/// shard (a MergeTree table) and on two (a Distributed table). The engines get a store of accounts and users only and count the
/// events' names, products and integration kinds where the events are, so no event is held in their process.
/// </summary>
internal static class BenchScaleApproaches
{
    public const string Memory = "memory";
    public const string DuckDb = "duckdb";
    public const string ClickHouseOne = "clickhouse-1";
    public const string ClickHouseTwo = "clickhouse-2";

    public static readonly string[] All = [DuckDb, ClickHouseOne, ClickHouseTwo, Memory];

    /// <summary>The environment variable the ClickHouse engine reads its node from (engine.connection_env), set in the bench's own process.</summary>
    private const string ClickHouseEnv = "PQL_BENCH_SCALE_CH_NODE";

    /// <summary>
    /// Resident bytes per event a load into memory needs at its peak (store 24 B/event, the builder's chunks and the event-id set during
    /// the load; 93 B/event measured at 9.9M events, rounded up); checked before the memory approach starts so it is skipped rather than killed. <see cref="BenchScaleFits"/> prints the measured figure.
    /// </summary>
    internal const long MemoryPeakBytesPerEventEstimate = 100;

    public static ScaleApproachResult Run(BenchScaleRequest request, BenchScaleWorldInfo world, string approach)
    {
        var config = ConfigLoader.Load(world.Folder);
        var features = FeatureConfig.Parse(config);
        var cutoffs = BenchFeaturesService.Cutoffs(world.EndMs - 1, request.Cutoffs);
        return approach switch
        {
            Memory => InMemory(config, features, world, cutoffs),
            DuckDb => OnEngine(approach, 1, config with { Engine = new EngineConfig { Kind = EngineKind.DuckDb, MemoryBudgetBytes = request.DuckDbMemoryLimitBytes } },
                features, world, cutoffs, 0, "load accounts and users", world.EventsFileBytes),
            _ => OnClickHouse(request, approach, config, features, world, cutoffs),
        };
    }

    private static ScaleApproachResult InMemory(WorkspaceConfig config, FeatureConfig features, BenchScaleWorldInfo world, long[] cutoffs)
    {
        var need = world.Events * MemoryPeakBytesPerEventEstimate;
        var available = BenchScaleFits.AvailableRamBytes();
        if (need > available)
        {
            return new ScaleApproachResult
            {
                Approach = Memory, Events = world.Events,
                NotRun = BenchScaleService.Inv($"does not fit: a load of {world.Events:N0} events peaks near {need / 1e9:F1} GB ({MemoryPeakBytesPerEventEstimate} B/event), {available / 1e9:F1} GB available"),
            };
        }
        var clock = Stopwatch.StartNew();
        var store = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = features.PropertyKeysNeeded, WriteRejects = false }).Store;
        var setup = clock.Elapsed.TotalSeconds;
        var (entities, times) = Rows(store, cutoffs);
        clock.Restart();
        var matrix = EngineFeatures.Build(config with { Engine = new EngineConfig() }, store, features, EntityKind.Account, entities, times);
        return Result(Memory, 1, store.EventCount, setup, "load the events into memory", clock.Elapsed.TotalSeconds, matrix, world.EventsFileBytes);
    }

    /// <summary>An engine reading the events where they are; the process holds only the accounts and users (and the matrix).</summary>
    private static ScaleApproachResult OnEngine(string approach, int shards, WorkspaceConfig config, FeatureConfig features, BenchScaleWorldInfo world,
        long[] cutoffs, double setupBefore, string setupWhat, long storageBytes)
    {
        var clock = Stopwatch.StartNew();
        var entitiesOnly = config with { Data = config.Data with { Events = [] } };
        var store = WorkspaceLoader.Load(entitiesOnly, new LoadOptions { PropertyKeys = features.PropertyKeysNeeded, WriteRejects = false }).Store;
        var setup = setupBefore + clock.Elapsed.TotalSeconds;
        var (entities, times) = Rows(store, cutoffs);
        clock.Restart();
        var matrix = EngineFeatures.Build(config, store, features, EntityKind.Account, entities, times, countEventsOnEngine: true);
        return Result(approach, shards, world.Events, setup, setupWhat, clock.Elapsed.TotalSeconds, matrix, storageBytes);
    }

    private static ScaleApproachResult OnClickHouse(BenchScaleRequest request, string approach, WorkspaceConfig config, FeatureConfig features,
        BenchScaleWorldInfo world, long[] cutoffs)
    {
        var shards = approach == ClickHouseTwo ? 2 : 1;
        var nodes = BenchScaleClickHouse.Nodes(request.ClickHouse);
        if (nodes.Length < shards)
        {
            return new ScaleApproachResult
            {
                Approach = approach, Shards = shards, Events = world.Events,
                NotRun = nodes.Length == 0 ? "no ClickHouse: pass --clickhouse http://host:port/[,http://host2:port/] or set PQL_BENCH_CH" : "two shards need two ClickHouse endpoints in --clickhouse",
            };
        }
        using var tables = new BenchScaleClickHouse(nodes, shards, request.ClickHouseTable ?? BenchScaleService.Inv($"pql_scale_{world.Accounts}"), request.DropClickHouseTables);
        var load = tables.Ensure(world, request.Log);
        Environment.SetEnvironmentVariable(ClickHouseEnv, nodes[0].ToString());   // EngineFeatures reads the connection from engine.connection_env
        var engine = config with { Engine = new EngineConfig { Kind = EngineKind.ClickHouse, ConnectionEnv = ClickHouseEnv, EventsTable = load.Table } };
        return OnEngine(approach, shards, engine, features, world, cutoffs, load.Seconds, load.What, tables.BytesOnDisk());
    }

    private static ScaleApproachResult Result(string approach, int shards, long events, double setup, string setupWhat, double seconds, FeatureMatrix matrix, long storage) => new()
    {
        Approach = approach, Shards = shards, Events = events, SetupSeconds = setup, Setup = setupWhat, MatrixSeconds = seconds,
        Rows = matrix.RowCount, Columns = matrix.ColumnCount, Checksum = Checksum(matrix), PeakRssBytes = BenchScaleFits.PeakRssBytes(),
        PeakIsOwn = true, StorageBytes = storage,
    };

    /// <summary>Every account created by each cutoff, cutoff by cutoff, in account-code order (the same in a store with or without events).</summary>
    private static (int[] Entities, long[] Cutoffs) Rows(EventStore store, long[] cutoffs)
    {
        var entities = new List<int>();
        var times = new List<long>();
        foreach (var t in cutoffs)
        {
            for (var a = 0; a < store.AccountCount; a++)
            {
                if (store.AccountCreatedAt[a] <= t)
                {
                    entities.Add(a);
                    times.Add(t);
                }
            }
        }
        return ([.. entities], [.. times]);
    }

    /// <summary>XxHash64 of the column names and every value's bits (one NaN), column by column in row order.</summary>
    internal static string Checksum(FeatureMatrix matrix)
    {
        var hash = new XxHash64();
        var buffer = new float[matrix.RowCount];
        foreach (var column in matrix.Columns)
        {
            hash.Append(Encoding.UTF8.GetBytes(column.Name + "\n"));
            column.Values.AsSpan(0, buffer.Length).CopyTo(buffer);
            for (var i = 0; i < buffer.Length; i++)
            {
                if (float.IsNaN(buffer[i]))
                    buffer[i] = float.NaN;
            }
            hash.Append(MemoryMarshal.AsBytes(buffer.AsSpan()));   // little-endian bits: the checksums compare runs on one machine
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
