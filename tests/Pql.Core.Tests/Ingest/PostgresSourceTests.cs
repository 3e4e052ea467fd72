using Npgsql;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Tests.Features.Sql;
using Pql.Core.Tests.Servers;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Ingest;

/// <summary>
/// Accounts, users, events and metrics read from PostgreSQL tables and queries load exactly as the same rows in CSV: the same store, row
/// accounting, rejects (named <c>postgres:schema.table</c> and the row number) and features. Each test works in its own schema of the server
/// named by <c>PQL_TEST_PG</c>, which is also the <c>connection_env</c> the test configs name.
/// </summary>
[RequiresServer(State.PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresSourceTests : IDisposable
{
    private readonly string _schema = "pqlsrc_" + Guid.NewGuid().ToString("N");
    private readonly TestWorkspace _csv = new();
    private readonly TestWorkspace _pg = new();
    private bool _created;

    private static string Connection => RequiresServerAttribute.Value(State.PostgresStores.Variable)!;

    public void Dispose()
    {
        _csv.Dispose();
        _pg.Dispose();
        if (!_created)
            return;
        Execute($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    [ServerFact]
    public void A_table_source_loads_the_same_rows_rejects_and_features_as_the_same_data_in_csv()
    {
        using var world = new ParityWorld();
        var events = MessyEvents(File.ReadAllLines(Path.Combine(world.Directory, "events.csv")), File.ReadAllLines(Path.Combine(world.Directory, "accounts.csv"))[1].Split(',')[0]);
        _csv.File("accounts.csv", File.ReadAllText(Path.Combine(world.Directory, "accounts.csv")));
        _csv.File("users.csv", File.ReadAllText(Path.Combine(world.Directory, "users.csv")));
        _csv.File("events.csv", events);
        Execute($"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.accounts (account_id text, created_at timestamptz, employees integer, segment text);
            CREATE TABLE {_schema}.users (user_id text, account_id text, created_at timestamptz);
            CREATE TABLE {_schema}.events ("timestamp" text, event text, user_id text, account_id text, product text, properties jsonb, event_id text);
            """);
        CopyCsv("accounts", _csv.PathOf("accounts.csv"));
        CopyCsv("users", _csv.PathOf("users.csv"));
        CopyCsv("events", _csv.PathOf("events.csv"));
        const string Rest = """
              max_reject_share: 0.5
            goals:
              conversion: { entity: account, achieved_when: { event: subscription_started }, horizon: 30d }
            """;
        var csvConfig = _csv.Config($$"""
            data:
              accounts: accounts.csv
              users: users.csv
              events: { path: events.csv, where: { event: { not: debug_ping } } }
            {{Rest}}
            """);
        var pgConfig = _pg.Config($$"""
            data:
              accounts: { postgres: {{_schema}}.accounts, connection_env: PQL_TEST_PG }
              users: { postgres: {{_schema}}.users, connection_env: PQL_TEST_PG }
              events: { postgres: {{_schema}}.events, connection_env: PQL_TEST_PG, where: { event: { not: debug_ping } } }
            {{Rest}}
            """);
        var features = FeatureConfig.Parse(csvConfig);
        var options = new LoadOptions { PropertyKeys = features.PropertyKeysNeeded };
        var fromCsv = WorkspaceLoader.Load(csvConfig, options);
        var fromPg = WorkspaceLoader.Load(pgConfig, options);

        StoreAssert.Same(fromCsv.Store, fromPg.Store);
        Assert.Equal(fromCsv.Store.UserCreatedAt, fromPg.Store.UserCreatedAt);
        Assert.Equal(Accounting(fromCsv.Report), Accounting(fromPg.Report));
        Assert.Equal(["events", "postgres:" + _schema + ".events"], [fromPg.Report.Files[2].Table, fromPg.Report.Files[2].File]);
        var events3 = fromPg.Report.Files[2];
        Assert.True(events3 is { Rejected: 2, Duplicates: 1, Filtered: 1 }, "the messy rows exercise rejects, dedupe and where:");
        // The same rejects, the CSV's line (header = line 1) one more than the table's row number.
        var csvRejects = Rejects(fromCsv.Report).Select(r => (r.Line - 1, r.Field, r.Reason, r.Value)).ToList();
        var pgRejects = Rejects(fromPg.Report).ToList();
        Assert.All(pgRejects, r => Assert.Equal($"postgres:{_schema}.events", r.File));
        Assert.Equal(csvRejects, pgRejects.Select(r => (r.Line, r.Field, r.Reason, r.Value)));

        var csvMatrix = Matrix(csvConfig, fromCsv.Store);
        var pgMatrix = Matrix(pgConfig, fromPg.Store);
        Assert.Equal(csvMatrix.Columns.Select(c => c.Name), pgMatrix.Columns.Select(c => c.Name));
        for (var c = 0; c < csvMatrix.Columns.Count; c++)
            Assert.Equal(csvMatrix.Columns[c].Values, pgMatrix.Columns[c].Values);
        Assert.Contains(pgMatrix.Columns.Single(c => c.Name == "integration.distinct_integrations").Values, v => v > 0); // properties came through jsonb

        // engine: duckdb computes on the spool of these kept rows, so PostgreSQL tables work there too and give the same features.
        var duckConfig = _pg.Config("engine: duckdb\n" + File.ReadAllText(pgConfig.ConfigPath));
        var duckMatrix = EngineMatrix(duckConfig, fromPg.Store);
        Assert.Equal(csvMatrix.Columns.Select(c => c.Name), duckMatrix.Columns.Select(c => c.Name));
        for (var c = 0; c < csvMatrix.Columns.Count; c++)
            Assert.Equal(csvMatrix.Columns[c].Values, duckMatrix.Columns[c].Values);
    }

    [ServerFact]
    public void Engine_duckdb_over_a_postgres_table_spools_each_load_anew_so_an_edited_row_is_seen()
    {
        Execute($"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.events ("timestamp" text, event text, account_id text, product text);
            INSERT INTO {_schema}.events VALUES ('2026-03-01T10:00:00Z', 'doc_created', 'a1', 'docs'), ('2026-02-28T10:00:00Z', 'doc_created', 'a2', 'docs');
            """);
        _created = true;
        _pg.File("accounts.csv", "account_id,created_at\na1,2026-02-01T00:00:00Z\na2,2026-02-01T00:00:00Z\n");
        var config = _pg.Config($$"""
            engine: duckdb
            data:
              accounts: accounts.csv
              events: { postgres: {{_schema}}.events, connection_env: PQL_TEST_PG }
            """);
        var first = EngineMatrix(config, WorkspaceLoader.Load(config, new LoadOptions()).Store);
        // Same count, same times, same accounts table: only the account of one event changes, which no cheap key would see.
        Execute($"UPDATE {_schema}.events SET account_id = 'a1' WHERE account_id = 'a2'");
        var second = EngineMatrix(config, WorkspaceLoader.Load(config, new LoadOptions()).Store);

        var memory = Matrix(config, WorkspaceLoader.Load(config, new LoadOptions()).Store);
        Assert.Equal(memory.Columns.Select(c => c.Name), second.Columns.Select(c => c.Name));
        for (var c = 0; c < memory.Columns.Count; c++)
            Assert.Equal(memory.Columns[c].Values, second.Columns[c].Values);
        var events30 = first.Columns.Single(c => c.Name == "activity.events_30d");
        Assert.NotEqual(events30.Values, second.Columns.Single(c => c.Name == "activity.events_30d").Values); // a2's event moved to a1
    }

    /// <summary>The world's events with an id each, plus a repeated id, a bad time, an unknown account and a row the where: filter drops.</summary>
    private static string MessyEvents(string[] lines, string account)
    {
        var text = new System.Text.StringBuilder(lines[0] + ",event_id\n");
        for (var i = 1; i < lines.Length; i++)
            text.Append(lines[i]).Append(",e").Append(i).Append('\n');
        var time = lines[1].Split(',')[0];
        text.Append(lines[1]).Append(",e1\n");
        text.Append("yesterday,").Append(lines[1][(lines[1].IndexOf(',', StringComparison.Ordinal) + 1)..]).Append(",x1\n");
        text.Append(time).Append(",doc_created,,ghost,docs,,x2\n");
        text.Append(time).Append(",debug_ping,,").Append(account).Append(",docs,,x3\n");
        return text.ToString();
    }

    [ServerFact]
    public void Query_sources_map_columns_times_constants_property_columns_and_filters()
    {
        Execute($"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.orgs (id text, since date, paid boolean, seats numeric);
            INSERT INTO {_schema}.orgs VALUES ('acme', '2026-01-01', true, 12.5), ('beta', '2026-01-02', false, NULL), ('gone', '2026-01-03', true, 1);
            CREATE TABLE {_schema}.members (uid text, org text, joined timestamp);
            INSERT INTO {_schema}.members VALUES ('u1', 'acme', '2026-01-05 10:30:00'), ('u2', 'beta', '2026-01-06 00:00:00');
            CREATE TABLE {_schema}.clicks (ms bigint, who text, plan text, kind text);
            INSERT INTO {_schema}.clicks VALUES (1767571200000, 'u1', 'pro', 'real'), (1767657600123, 'u2', NULL, 'real'), (1767657600999, 'u2', 'free', 'bot');
            CREATE TABLE {_schema}.daily (org text, day date, metric text, value double precision);
            INSERT INTO {_schema}.daily VALUES ('acme', '2026-01-04', 'seats_used', 3), ('beta', '2026-01-04', 'seats_used', 0.5);
            """);
        var config = _pg.Config($$"""
            data:
              accounts:
                query: "SELECT id, since, paid, seats FROM {{_schema}}.orgs WHERE id <> 'gone' ORDER BY id;"
                connection_env: PQL_TEST_PG
                columns: { account_id: id, created_at: since }
              users:
                postgres: {{_schema}}.members
                connection_env: PQL_TEST_PG
                columns: { user_id: uid, account_id: org, created_at: joined }
              events:
                query: SELECT * FROM {{_schema}}.clicks ORDER BY ms
                connection_env: PQL_TEST_PG
                columns: { timestamp: ms, user_id: who }
                timestamp_format: unix_ms
                event: clicked
                product: app
                properties: [plan]
                where: { kind: real }
              metrics: { postgres: {{_schema}}.daily, connection_env: PQL_TEST_PG, columns: { account_id: org, date: day } }
            goals:
              pro: { entity: account, achieved_when: { event: clicked, where: { plan: pro } }, horizon: 30d }
            """);

        var (store, report) = WorkspaceLoader.Load(config);

        Assert.Equal(["acme", "beta"], store.AccountIds.Values);
        Assert.Equal(Ms("2026-01-01T00:00:00Z"), store.AccountCreatedAt[0]);
        Assert.Equal(AttributeKind.Numeric, store.AccountAttribute("seats")!.Kind);
        Assert.Equal(12.5, store.AccountAttribute("seats")!.Numbers[0]);
        var paid = store.AccountAttribute("paid")!;
        Assert.Equal(["true", "false"], paid.Codes.Select(c => paid.Levels[c]));
        Assert.Equal(Ms("2026-01-05T10:30:00Z"), store.UserCreatedAt[store.UserIds.Find("u1")]);
        Assert.Equal(2, store.EventCount);
        Assert.Equal([Ms("2026-01-05T00:00:00Z"), Ms("2026-01-06T00:00:00.123Z")], store.EventTime);
        Assert.All(store.EventName, e => Assert.Equal("clicked", store.EventNames[e]));
        Assert.All(store.EventProduct, p => Assert.Equal("app", store.Products[p]));
        Assert.Equal(["pro"], store.Properties["plan"].ValueCode.Select(c => store.Properties["plan"].Values[c]));
        Assert.Equal(2, store.Metrics.Count);
        Assert.Equal(1, report.Files.Single(f => f.Table == "events").Filtered);
        Assert.Equal($"postgres:query(data.accounts)", report.Files[0].File);
        Assert.False(report.FromSnapshot);
        Assert.Equal(0, report.Rejected);
    }

    [ServerFact]
    public void A_bad_row_is_one_line_naming_the_table_row_and_field_and_a_changed_table_is_read_again()
    {
        Execute($"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.events (ts text, event text, account_id text);
            INSERT INTO {_schema}.events VALUES ('2026-01-02T00:00:00Z', 'login', 'acme'), ('soon', 'login', 'acme');
            """);
        _pg.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");
        var config = _pg.Config($$"""
            data:
              accounts: accounts.csv
              events: { postgres: {{_schema}}.events, connection_env: PQL_TEST_PG, columns: { timestamp: ts } }
            """);

        var e = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(config));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains($"first: postgres:{_schema}.events:2 field 'ts': is not ISO 8601", e.Message);
        Assert.Contains($"postgres:{_schema}.events,2,ts,", File.ReadAllText(e.Message[(e.Message.LastIndexOf("all in ", StringComparison.Ordinal) + 7)..]));

        // Never a snapshot: the fixed table is read again, and so is a row added after that load.
        Execute($"UPDATE {_schema}.events SET ts = '2026-01-03T00:00:00Z' WHERE ts = 'soon'");
        Assert.Equal(2, WorkspaceLoader.Load(config).Store.EventCount);
        Execute($"INSERT INTO {_schema}.events VALUES ('2026-01-04T00:00:00Z', 'login', 'acme')");
        var again = WorkspaceLoader.Load(config);
        Assert.Equal(3, again.Store.EventCount);
        Assert.False(again.Report.FromSnapshot);
        Assert.False(File.Exists(Path.Combine(config.StateDirectory, LoadSnapshot.FileName)));
    }

    [ServerFact]
    public void A_lookup_table_in_postgres_resolves_accounts_as_the_same_lookup_in_csv()
    {
        Execute($"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.subs (subscription_id text, owner text);
            INSERT INTO {_schema}.subs VALUES ('s1', 'acme'), ('s2', 'beta');
            """);
        foreach (var ws in new[] { _csv, _pg })
        {
            ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\nbeta,2026-01-01\n");
            ws.File("usage.csv", "ts,feature,sub\n2026-01-02,export,s2\n2026-01-03,export,s1\n2026-01-04,export,s9\n");
        }
        _csv.File("subs.csv", "subscription_id,owner\ns1,acme\ns2,beta\n");
        const string Head = "data:\n  accounts: accounts.csv\n  max_reject_share: 0.5\n  events: { path: usage.csv, columns: { timestamp: ts, event: feature }, account_via: ";
        var csv = WorkspaceLoader.Load(_csv.Config(Head + "{ path: subs.csv, key: sub, table_key: subscription_id, account: owner } }\n"));
        var pg = WorkspaceLoader.Load(_pg.Config(Head + $"{{ postgres: {_schema}.subs, connection_env: PQL_TEST_PG, key: sub, table_key: subscription_id, account: owner }} }}\n"));

        StoreAssert.Same(csv.Store, pg.Store);
        Assert.Equal(2, pg.Store.EventCount);
        Assert.Equal($"{_pg.PathOf("usage.csv")},4,sub,has no row in postgres:{_schema}.subs,s9", File.ReadAllLines(pg.Report.RejectsPath!)[1]);
        Assert.False(pg.Report.FromSnapshot);
        Assert.False(File.Exists(Path.Combine(_pg.Dir, ".pql", LoadSnapshot.FileName)), "a load reading PostgreSQL is never snapshot");
    }

    [ServerFact]
    public void A_query_slower_than_the_connections_command_timeout_is_read_whole()
    {
        var variable = "PQL_TEST_SOURCE_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, Connection + ";Command Timeout=1");
        try
        {
            _pg.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");
            var config = _pg.Config($"data:\n  accounts: accounts.csv\n  events: {{ query: \"SELECT '2026-01-02' AS timestamp, 'login' AS event, 'acme' AS account_id, pg_sleep(1.5) AS slept\", connection_env: {variable} }}\n");

            Assert.Equal(1, WorkspaceLoader.Load(config).Store.EventCount); // the row came 1.5 s after the export began
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [ServerFact]
    public void A_missing_table_or_column_is_one_line_naming_the_table()
    {
        Execute($"CREATE SCHEMA {_schema}; CREATE TABLE {_schema}.events (ts text, event text, account_id text)");
        _pg.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");

        var missing = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_pg.Config($"data:\n  accounts: accounts.csv\n  events: {{ postgres: {_schema}.nothing, connection_env: PQL_TEST_PG }}\n")));
        var column = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_pg.Config($"data:\n  accounts: accounts.csv\n  events: {{ postgres: {_schema}.events, connection_env: PQL_TEST_PG }}\n")));

        Assert.Equal($"postgres:{_schema}.nothing: could not read the columns: relation \"{_schema}.nothing\" does not exist", missing.Message);
        Assert.Equal($"postgres:{_schema}.events: missing required column 'timestamp' (columns: ts, event, account_id)", column.Message);
    }

    private static long Ms(string iso)
    {
        Assert.True(Timestamps.TryParseIso(iso, out var t));
        return t;
    }

    private static FeatureMatrix Matrix(WorkspaceConfig config, EventStore store)
    {
        var engine = new FeatureEngine(store, FeatureConfig.Parse(config), config);
        var codes = Enumerable.Range(0, store.AccountCount).SelectMany(a => ParityWorld.Cutoffs.Select(_ => a)).ToArray();
        var times = Enumerable.Range(0, store.AccountCount).SelectMany(_ => ParityWorld.Cutoffs).ToArray();
        return engine.Build(EntityKind.Account, codes, times);
    }

    /// <summary>The account matrix at the parity cutoffs on the engine the config names.</summary>
    private static FeatureMatrix EngineMatrix(WorkspaceConfig config, EventStore store)
    {
        var codes = Enumerable.Range(0, store.AccountCount).SelectMany(a => ParityWorld.Cutoffs.Select(_ => a)).ToArray();
        var times = Enumerable.Range(0, store.AccountCount).SelectMany(_ => ParityWorld.Cutoffs).ToArray();
        return Pql.Core.Features.Sql.EngineFeatures.Build(config, store, FeatureConfig.Parse(config), EntityKind.Account, codes, times);
    }

    private static List<(string Table, long Read, long Loaded, long Duplicates, long Rejected, long Filtered)> Accounting(LoadReport report) =>
        [.. report.Files.Select(f => (f.Table, f.Read, f.Loaded, f.Duplicates, f.Rejected, f.Filtered))];

    private static IEnumerable<(string File, long Line, string Field, string Reason, string Value)> Rejects(LoadReport report) =>
        File.ReadAllLines(report.RejectsPath!).Skip(1).Select(l => l.Split(',')).Select(f => (f[0], long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f[2], f[3], f[4]));

    private void CopyCsv(string table, string csv)
    {
        using var c = new NpgsqlConnection(Connection);
        c.Open();
        using var writer = c.BeginTextImport($"COPY {_schema}.{table} FROM STDIN (FORMAT csv, HEADER true)");
        writer.Write(File.ReadAllText(csv));
    }

    private void Execute(string sql)
    {
        using var c = new NpgsqlConnection(Connection);
        c.Open();
        _created = true;
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }
}
