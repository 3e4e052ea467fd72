using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Features.Sql;
using Pql.Core.Ingest;
using Pql.Core.Tests.Servers;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Features.Sql;

/// <summary>
/// Parity: every feature of the catalogue, every family, computed where the events live, equals the in-memory engine's value exactly
/// (NaN equal to NaN) on the same workspace at the same cutoffs, for every account including one without events. Each backend inherits this.
/// </summary>
public abstract class FeatureSqlParityTests : IDisposable
{
    /// <summary>Families whose every column is an account's (the others must also exist on user rows).</summary>
    private const FeatureFamilies AccountOnlyFamilies = FeatureFamilies.Champion | FeatureFamilies.Interaction;

    /// <summary>
    /// Families the parity world does not exercise, and why: the metric family reads the metrics table (rolled-up daily values),
    /// which the engines refuse by name (MetricFamilyTests checks that refusal), so this world has none.
    /// </summary>
    private const FeatureFamilies NotOnEngines = FeatureFamilies.Metric;

    private readonly ParityWorld _world = new();

    private protected ParityWorld World => _world;

    private protected abstract ISqlFeatureSource Open(WorkspaceConfig config, EventStore store, EntityKind entity);

    /// <summary>Drops what <see cref="Open"/> created outside the world's folder.</summary>
    protected virtual void Cleanup()
    {
    }

    public void Dispose()
    {
        Cleanup();
        _world.Dispose();
        GC.SuppressFinalize(this);
    }

    [ServerFact]
    public void Every_pushed_down_feature_equals_the_in_memory_value_at_every_cutoff()
    {
        var sql = Compare(EntityKind.Account);
        // The data must exercise the features: some non-zero counts, some NaN recencies (the quiet account), some finite ones.
        var recency = sql.Columns.Single(c => c.Name == "activity.days_since_last_event").Values;
        Assert.Contains(recency, float.IsNaN);
        Assert.Contains(recency, v => v > 0);
        Assert.Contains(sql.Columns.Single(c => c.Name == "activity.weekly_slope_8w").Values, v => v != 0);
        foreach (var name in (string[])["integration.distinct_integrations", "stickiness.multi_product_streak_longest", "activity.user_events_30d_max",
            "adoption.products_adopted", "collaboration.invitees_active", "collaboration.users_total", "firmo.account_age_days", "firmo.employees",
            "integration.slack.added", "synergy.docs_x_sheets.weeks_both", "integration.reconnects", "cadence.mean_gap_days",
            "cadence.longest_gap_days", "cadence.overdue_ratio", "cadence.gap_variation", "cadence.active_week_share_8w",
            "cadence.weekly_variation_8w", "automation.machine_events_30d", "automation.human_events_30d", "automation.machine_share_30d",
            "automation.days_since_last_human_event", "monetization.limit.events_total", "monetization.pricing.days_since_last",
            "champion.top_user_event_share_30d", "champion.top_user_day_share_30d", "interaction.users_per_employees",
            "interaction.active_users_per_employees_30d", "interaction.events_per_employees_30d", "collaboration.invites_outstanding",
            "collaboration.invite_acceptance"])
            Assert.Contains(sql.Columns.Single(c => c.Name == name).Values, v => v > 0);
    }

    [ServerFact]
    public void User_rows_equal_the_in_memory_values_too()
    {
        var sql = Compare(EntityKind.User);
        foreach (var name in (string[])["firmo.user_age_days", "collaboration.is_creator", "adoption.products_adopted"])
            Assert.Contains(sql.Columns.Single(c => c.Name == name).Values, v => v > 0);
    }

    [ServerFact]
    public void Events_counted_on_the_engine_give_the_in_memory_catalogue_to_a_store_without_events()
    {
        var config = ConfigLoader.Load(_world.Directory);
        var features = FeatureConfig.Parse(config);
        var store = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = features.PropertyKeysNeeded }).Store;
        var entitiesOnly = WorkspaceLoader.Load(config with { Data = config.Data with { Events = [] } }, new LoadOptions { PropertyKeys = features.PropertyKeysNeeded }).Store;
        var expected = EventCounts.Of(store, features);

        using var source = Open(config, store, EntityKind.Account);
        var counted = EngineEventCounts.Read(source, features);

        static Dictionary<string, long> Seen(IReadOnlyDictionary<string, long> counts) => counts.Where(c => c.Value > 0).ToDictionary();
        Assert.Equal(Seen(expected.Names), Seen(counted.Names));
        Assert.Equal(Seen(expected.Products), Seen(counted.Products));
        Assert.Equal(Seen(expected.IntegrationKinds), Seen(counted.IntegrationKinds));
        Assert.NotEmpty(Seen(counted.IntegrationKinds));
        Assert.Equal(0, entitiesOnly.EventCount);
        Assert.Equal(new FeatureCatalogue(store, features, config).Account.Select(d => d.Name),
            new FeatureCatalogue(entitiesOnly, features, config, FeatureFamilies.All, counted).Account.Select(d => d.Name));
    }

    /// <summary>Every entity of the kind at every cutoff, in memory and in the backend; fails on any unsupported or differing value.</summary>
    private FeatureMatrix Compare(EntityKind entity)
    {
        var config = ConfigLoader.Load(_world.Directory);
        var features = FeatureConfig.Parse(config);
        var store = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = features.PropertyKeysNeeded }).Store;
        var engine = new FeatureEngine(store, features, config);
        var cutoffs = ParityWorld.Cutoffs;
        var count = entity == EntityKind.Account ? store.AccountCount : store.UserCount;
        var ids = entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var codes = Enumerable.Range(0, count).SelectMany(a => cutoffs.Select(_ => a)).ToArray();
        var times = Enumerable.Range(0, count).SelectMany(_ => cutoffs).ToArray();
        var memory = engine.Build(entity, codes, times);

        using var source = Open(config, store, entity);
        var (sql, plan) = FeatureSqlBuilder.Build(source, engine.Catalogue, store, entity, [.. codes.Select(c => ids[c])], codes, times);

        Assert.True(plan.Unsupported.Count == 0, "not pushed down: " + string.Join(", ", plan.Unsupported.Select(u => $"{u.Definition.Name} ({u.Reason})")));
        // Every column of the catalogue, in the same order: no family is left out.
        Assert.Equal(memory.Columns.Select(c => c.Name), sql.Columns.Select(c => c.Name));
        var families = sql.Columns.Select(c => c.Family).ToHashSet();
        foreach (var family in FeatureFamilyNames.Each.Where(f => (f & NotOnEngines) == 0 && (entity == EntityKind.Account || (f & AccountOnlyFamilies) == 0)))
            Assert.True(families.Contains(FeatureFamilyNames.Of(family)), $"the parity world has no column of family {FeatureFamilyNames.Of(family)}");
        var mismatches = new List<string>();
        foreach (var column in sql.Columns)
        {
            var expected = memory.Columns.Single(c => c.Name == column.Name).Values;
            for (var r = 0; r < expected.Length; r++)
            {
                if (!expected[r].Equals(column.Values[r]))   // float.Equals: NaN equals NaN, exact otherwise
                    mismatches.Add($"{column.Name} {ids[codes[r]]}@{ParityWorld.Iso(times[r])}: memory {expected[r]}, sql {column.Values[r]}");
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} values differ:\n" + string.Join("\n", mismatches.Take(20)));
        return sql;
    }
}

public sealed class DuckDbFeatureParityTests : FeatureSqlParityTests
{
    private protected override ISqlFeatureSource Open(WorkspaceConfig config, EventStore store, EntityKind entity) => new DuckDbFeatureSource(config);
}

/// <summary>
/// DuckDB reading Parquet copies of the parity world's tables (columns typed as DuckDB infers them from the CSV: timestamps, numbers) equals
/// the in-memory load of the CSV files.
/// </summary>
public sealed class DuckDbParquetFeatureParityTests : FeatureSqlParityTests
{
    private protected override ISqlFeatureSource Open(WorkspaceConfig config, EventStore store, EntityKind entity)
    {
        var dir = Directory.CreateDirectory(Path.Combine(config.Directory, "parquet")).FullName;
        using (var db = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            db.Open();
            foreach (var table in (string[])["accounts", "users", "events"])
            {
                using var copy = db.CreateCommand();
                copy.CommandText = $"COPY (SELECT * FROM read_csv('{Path.Combine(config.Directory, table + ".csv")}', header = true)) TO '{Path.Combine(dir, table + ".parquet")}' (FORMAT parquet)";
                copy.ExecuteNonQuery();
            }
        }
        File.WriteAllText(Path.Combine(dir, "pql.yaml"), "data:\n  accounts: accounts.parquet\n  users: users.parquet\n  events: events.parquet\n");
        return new DuckDbFeatureSource(ConfigLoader.Load(dir));
    }
}

/// <summary>DuckDB over the spool of the loaded store's events, the rows <c>engine: duckdb</c> computes on.</summary>
public sealed class DuckDbSpoolFeatureParityTests : FeatureSqlParityTests
{
    private protected override ISqlFeatureSource Open(WorkspaceConfig config, EventStore store, EntityKind entity) =>
        new DuckDbFeatureSource(config, spool: EventSpool.Ensure(config, store));
}

/// <summary>
/// DuckDB over the spool with the rows split into parts (as a memory limit splits them on a large world: each part's measures query
/// bounded), here forced by a tiny per-part allowance: every part's rows come back once, with the values of the whole.
/// </summary>
public sealed class DuckDbPartedFeatureParityTests : FeatureSqlParityTests
{
    private protected override ISqlFeatureSource Open(WorkspaceConfig config, EventStore store, EntityKind entity)
    {
        var source = new DuckDbFeatureSource(config, spool: EventSpool.Ensure(config, store)) { PartBytes = 200_000 };
        Assert.True(source.RowsParts(84, 200).Count > 4, "the allowance must split the parity world's rows");
        return source;
    }
}

/// <summary>The parity world's CSV files copied into tables of a fresh schema of the PostgreSQL named by <c>PQL_TEST_PG</c>.</summary>
[RequiresServer(State.PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresFeatureParityTests : FeatureSqlParityTests
{
    private readonly string _schema = "pqlfeat_" + Guid.NewGuid().ToString("N");
    private bool _created;

    private static string Connection => RequiresServerAttribute.Value(State.PostgresStores.Variable)!;

    private protected override ISqlFeatureSource Open(WorkspaceConfig config, EventStore store, EntityKind entity)
    {
        using (var c = new Npgsql.NpgsqlConnection(Connection))
        {
            c.Open();
            _created = true;
            Execute(c, $"""
                CREATE SCHEMA {_schema};
                CREATE TABLE {_schema}.events ("timestamp" timestamptz NOT NULL, event text NOT NULL, user_id text, account_id text, product text, properties jsonb);
                CREATE TABLE {_schema}.users (user_id text PRIMARY KEY, account_id text NOT NULL, created_at timestamptz NOT NULL);
                """);
            Copy(c, $"{_schema}.events", Path.Combine(config.Directory, "events.csv"));
            Copy(c, $"{_schema}.users", Path.Combine(config.Directory, "users.csv"));
        }
        return new PostgresFeatureSource(Connection, $"{_schema}.events", $"{_schema}.users", config.ProductOfEvent);
    }

    protected override void Cleanup()
    {
        if (!_created)
            return;
        using var c = new Npgsql.NpgsqlConnection(Connection);
        c.Open();
        Execute(c, $"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    private static void Copy(Npgsql.NpgsqlConnection c, string table, string csv)
    {
        using var writer = c.BeginTextImport($"COPY {table} FROM STDIN (FORMAT csv, HEADER true)");
        writer.Write(File.ReadAllText(csv));
    }

    private static void Execute(Npgsql.NpgsqlConnection c, string sql)
    {
        using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }
}

/// <summary>
/// The parity world's events (account resolved, as a loader writes them) in a ClickHouse table. <c>PQL_TEST_CH</c> lists the HTTP
/// endpoints of the nodes, comma-separated: with two, the events go to a Distributed table over cluster <c>bench2</c> (two shards, as
/// ../shared/peers/services.sh configures it) and each node holds part of them; the query goes to the first.
/// </summary>
[RequiresServer(ClickHouseFeatureParityTests.Variable, "ClickHouse")]
public sealed class ClickHouseFeatureParityTests : FeatureSqlParityTests
{
    public const string Variable = "PQL_TEST_CH";
    private readonly string _local = "pql_ev_" + Guid.NewGuid().ToString("N");
    private readonly List<Uri> _created = [];

    private static Uri[] Nodes => [.. RequiresServerAttribute.Value(Variable)!.Split(',').Select(u => new Uri(u.Trim()))];

    private protected override ISqlFeatureSource Open(WorkspaceConfig config, EventStore store, EntityKind entity)
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
        var tsv = new System.Text.StringBuilder();
        foreach (var e in World.Log.Events)
            tsv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{e.Account}\t{e.User ?? "\\N"}\t{e.Name}\t{e.Product ?? "\\N"}\t{e.Time}\t{e.Integration ?? "\\N"}\n");
        Post(new Uri(nodes[0], "?insert_distributed_sync=1"), $"INSERT INTO {table} FORMAT TSV\n{tsv}");
        if (nodes.Length > 1)
            Assert.All(nodes, n => Assert.NotEqual("0", Post(n, $"SELECT count() FROM {_local}").Trim()));   // both shards hold events
        return new ClickHouseFeatureSource(nodes[0], table, entity);
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
