using System.Globalization;
using System.Text;
using Pql.Core.Application;
using Pql.Core.Demo;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Tests.Servers;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Features.Sql;

/// <summary>
/// Acceptance: <c>pql train</c> and <c>pql score</c> through the Application services on a generated demo world with <c>engine:</c> set,
/// every goal, give the scores and tiers of the in-memory engine (the same features, so the same models). Each engine inherits this.
/// </summary>
public abstract class EngineTrainScoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pql-engine-e2e-").FullName;

    protected string Memory => Path.Combine(_root, "memory");

    protected string Engine => Path.Combine(_root, "engine");

    /// <summary>The share of dirty event rows of the world (malformed rows, bad times, repeated ids): only the DuckDB engine, which computes
    /// on the rows the loader kept, takes them; a server engine's table is filled from a clean world.</summary>
    protected virtual double DirtyShare => 0;

    /// <summary>The <c>engine:</c> section for <see cref="Engine"/>; a server engine first copies the world's events into its tables.</summary>
    private protected abstract string EngineSection(EventStore store);

    /// <summary>Drops what <see cref="EngineSection"/> created outside the folder.</summary>
    protected virtual void Cleanup()
    {
    }

    public void Dispose()
    {
        Cleanup();
        Directory.Delete(_root, recursive: true);
        GC.SuppressFinalize(this);
    }

    [ServerFact]
    public async Task Train_and_score_on_the_engine_give_the_in_memory_scores_and_tiers()
    {
        foreach (var dir in (string[])[Memory, Engine])
            WorldGenerator.Generate(new WorldOptions { Accounts = 160, Days = 120, Seed = 23, DirtyShare = DirtyShare, OutputDirectory = dir, MaxDegreeOfParallelism = 1 });
        var config = ConfigLoader.Load(Engine);
        var store = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = FeatureConfig.Parse(config).PropertyKeysNeeded, Snapshot = false, WriteRejects = false }).Store;
        File.AppendAllText(Path.Combine(Engine, "pql.yaml"), "\n" + EngineSection(store));
        Assert.NotEqual(EngineKind.Memory, ConfigLoader.Load(Engine).Engine.Kind);

        var memory = await new TrainService().TrainAsync(new TrainRequest(Memory));
        var engine = await new TrainService().TrainAsync(new TrainRequest(Engine));

        Assert.Equal(memory.Failed.Select(f => f.Goal), engine.Failed.Select(f => f.Goal));
        Assert.Equal(memory.Trained.Select(t => t.Goal), engine.Trained.Select(t => t.Goal));
        Assert.True(engine.Trained.Count >= 3, "too few goals trained: " + string.Join("; ", engine.Failed.Select(f => $"{f.Goal}: {f.Problem}")));
        foreach (var goal in engine.Trained.Select(t => t.Goal))
        {
            var expected = (await new ScoreService().ScoreAsync(new ScoreRequest(Memory, goal))).Run;
            var actual = (await new ScoreService().ScoreAsync(new ScoreRequest(Engine, goal))).Run;
            Assert.Equal(expected.AsOfMs, actual.AsOfMs);
            Assert.True(expected.Rows.Count > 50, $"{goal}: {expected.Rows.Count} rows scored");
            Assert.Equal(expected.Rows.Select(r => (r.EntityId, r.Score, r.Tier)), actual.Rows.Select(r => (r.EntityId, r.Score, r.Tier)));
            Assert.True(expected.Rows.Select(r => r.Tier).Distinct().Count() >= 2, $"{goal}: one tier only");
        }
        AfterScoring();
    }

    /// <summary>What an engine checks once the scores matched.</summary>
    private protected virtual void AfterScoring()
    {
    }
}

/// <summary>
/// DuckDB computes on the spool of the rows the loader kept: always runs, on the generator's default 2% dirty rows (malformed JSON, bad
/// timestamps, repeated event ids), which reading the files as they are would have counted.
/// </summary>
public sealed class DuckDbTrainScoreTests : EngineTrainScoreTests
{
    protected override double DirtyShare => new WorldOptions().DirtyShare;   // pql generate's default

    private protected override string EngineSection(EventStore store) => "engine: duckdb\n";

    /// <summary>The world has rows the loader drops, and the spool the engine computed on holds exactly the kept ones.</summary>
    private protected override void AfterScoring()
    {
        var config = ConfigLoader.Load(Engine);
        var load = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = FeatureConfig.Parse(config).PropertyKeysNeeded });
        Assert.True(load.Report.Rejected > 0 && load.Report.Duplicates > 0, $"{load.Report.Rejected} rejected, {load.Report.Duplicates} duplicates");
        var spool = Pql.Core.Features.Sql.EventSpool.PathOf(config);
        Assert.True(File.Exists(spool));
        using var duck = new DuckDB.NET.Data.DuckDBConnection($"DataSource={spool};ACCESS_MODE=READ_ONLY");
        duck.Open();
        using var count = duck.CreateCommand();
        count.CommandText = "SELECT count(*) FROM events";
        Assert.Equal((long)load.Store.EventCount, Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    /// <summary>A row DuckDB cannot parse that the loader never saw rejected (the check ran on other files) fails with one line naming the files.</summary>
    [Fact]
    public void A_file_duckdb_cannot_read_is_one_input_error_naming_it()
    {
        Directory.CreateDirectory(Engine);
        File.WriteAllText(Path.Combine(Engine, "events.ndjson"), "{\"timestamp\":\"2024-01-01T00:00:00Z\",\"event\":\"a\",\"account_id\":\"x\",\"properties\":{\"seats\":}}\n");
        File.WriteAllText(Path.Combine(Engine, "accounts.csv"), "account_id,created_at\nx,2023-01-01\n");
        File.WriteAllText(Path.Combine(Engine, "pql.yaml"), "data:\n  accounts: accounts.csv\n  events: events.ndjson\nengine: duckdb\n");
        var config = ConfigLoader.Load(Engine);
        using var source = new Pql.Core.Features.Sql.DuckDbFeatureSource(config);

        var e = Assert.Throws<PqlInputException>(() => source.EventNames());

        Assert.StartsWith("engine duckdb could not read the event files (events.ndjson): ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}

/// <summary>The world's events (as the loader keeps them) in a table of a fresh PostgreSQL schema; the engine reads them there.</summary>
[RequiresServer(State.PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresTrainScoreTests : EngineTrainScoreTests
{
    private readonly string _schema = "pqle2e_" + Guid.NewGuid().ToString("N");
    private bool _created;

    private static string Connection => RequiresServerAttribute.Value(State.PostgresStores.Variable)!;

    private protected override string EngineSection(EventStore store)
    {
        using var c = new Npgsql.NpgsqlConnection(Connection);
        c.Open();
        _created = true;
        using (var cmd = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {_schema}; CREATE TABLE {_schema}.events (\"timestamp\" timestamptz NOT NULL, event text NOT NULL, user_id text, account_id text, product text, integration text)", c))
            cmd.ExecuteNonQuery();
        using (var copy = c.BeginTextImport($"COPY {_schema}.events FROM STDIN (FORMAT text)"))
        {
            foreach (var e in WorldEvents.Of(store))
                copy.Write($"{ParityWorld.Iso(e.Time)}\t{e.Name}\t{e.User ?? "\\N"}\t{e.Account}\t{e.Product ?? "\\N"}\t{e.Integration ?? "\\N"}\n");
        }
        return $"engine:\n  kind: postgres\n  connection_env: {State.PostgresStores.Variable}\n  events_table: {_schema}.events\n";
    }

    protected override void Cleanup()
    {
        if (!_created)
            return;
        using var c = new Npgsql.NpgsqlConnection(Connection);
        c.Open();
        using var cmd = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", c);
        cmd.ExecuteNonQuery();
    }
}

/// <summary>The world's events in a Distributed ClickHouse table over the nodes <c>PQL_TEST_CH</c> lists (cluster bench2), as the parity test loads them.</summary>
[RequiresServer(ClickHouseFeatureParityTests.Variable, "ClickHouse")]
public sealed class ClickHouseTrainScoreTests : EngineTrainScoreTests
{
    private readonly string _local = "pql_e2e_" + Guid.NewGuid().ToString("N");
    private readonly List<Uri> _created = [];

    private static Uri[] Nodes => [.. RequiresServerAttribute.Value(ClickHouseFeatureParityTests.Variable)!.Split(',').Select(u => new Uri(u.Trim()))];

    private protected override string EngineSection(EventStore store)
    {
        var nodes = Nodes;
        var table = nodes.Length > 1 ? _local + "_all" : _local;
        foreach (var node in nodes)
        {
            Post(node, $"CREATE TABLE {_local} (account_id String, user_id Nullable(String), event String, product Nullable(String), t Int64, integration Nullable(String)) ENGINE = MergeTree() ORDER BY (account_id, t)");
            _created.Add(node);
            if (nodes.Length > 1)
                Post(node, $"CREATE TABLE {table} AS {_local} ENGINE = Distributed(bench2, default, {_local}, sipHash64(account_id))");
        }
        var tsv = new StringBuilder();
        foreach (var e in WorldEvents.Of(store))
            tsv.Append(CultureInfo.InvariantCulture, $"{e.Account}\t{e.User ?? "\\N"}\t{e.Name}\t{e.Product ?? "\\N"}\t{e.Time}\t{e.Integration ?? "\\N"}\n");
        Post(new Uri(nodes[0], "?insert_distributed_sync=1"), $"INSERT INTO {table} FORMAT TSV\n{tsv}");
        return $"engine:\n  kind: clickhouse\n  connection_env: {ClickHouseFeatureParityTests.Variable}\n  events_table: {table}\n";
    }

    protected override void Cleanup()
    {
        foreach (var node in _created)
        {
            Post(node, $"DROP TABLE IF EXISTS {_local}_all");
            Post(node, $"DROP TABLE IF EXISTS {_local}");
        }
    }

    private static string Post(Uri endpoint, string sql)
    {
        using var http = new HttpClient();
        using var response = http.PostAsync(endpoint, new StringContent(sql)).GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, $"ClickHouse {endpoint}: {body}");
        return body;
    }
}

/// <summary>The events of a loaded store as a loader would write them to a table: account resolved, product mapped, the integration property.</summary>
internal static class WorldEvents
{
    public static IEnumerable<TestLog.Event> Of(EventStore store)
    {
        var integration = store.Properties.GetValueOrDefault("integration");
        var value = new Dictionary<int, string>();
        if (integration is not null)
        {
            for (var i = 0; i < integration.EventIndex.Length; i++)
                value[integration.EventIndex[i]] = integration.Values[integration.ValueCode[i]];
        }
        for (var e = 0; e < store.EventCount; e++)
        {
            var user = store.EventUser[e];
            var product = store.EventProduct[e];
            yield return new TestLog.Event(store.AccountIds[store.EventAccount[e]], user < 0 ? null : store.UserIds[user], store.EventTime[e],
                store.EventNames[store.EventName[e]], product < 0 ? null : store.Products[product], value.GetValueOrDefault(e));
        }
    }
}
