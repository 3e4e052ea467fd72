using Pql.Core.State;
using Pql.Core.Tests.Servers;
using Pql.Core.Tests.State;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Workspace;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class BackendConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-backend-").FullName;

    public BackendConfigTests()
    {
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,user_id\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private WorkspaceConfig Parse(string yaml) => ConfigLoader.Parse(_dir, Path.Combine(_dir, "pql.yaml"), """
        data:
          accounts: accounts.csv
          events: events.csv

        """ + yaml);

    [Fact]
    public void Defaults_are_sqlite_state_and_the_in_memory_engine_without_a_budget()
    {
        var config = Parse("");

        Assert.Equal(StateKind.Sqlite, config.State.Kind);
        Assert.Equal(EngineKind.Memory, config.Engine.Kind);
        Assert.Null(config.Engine.MemoryBudgetBytes);
    }

    [Fact]
    public void State_engine_and_budget_are_read_in_both_engine_shapes()
    {
        var config = Parse("""
            state: { kind: postgres, connection_env: PQL_STATE_PG, schema: team_a }
            engine: { kind: clickhouse, connection_env: PQL_CH, table: events_all }
            memory_budget: 512MB
            """);

        Assert.Equal(new StateConfig { Kind = StateKind.Postgres, ConnectionEnv = "PQL_STATE_PG", Schema = "team_a", Line = 4 }, config.State);
        Assert.Equal((EngineKind.ClickHouse, "PQL_CH", "events_all", 512L << 20), (config.Engine.Kind, config.Engine.ConnectionEnv, config.Engine.Table, config.Engine.MemoryBudgetBytes));
        Assert.Equal(EngineKind.DuckDb, Parse("engine: duckdb").Engine.Kind);
    }

    [Theory]
    [InlineData("state: { kind: postgres }", "pql.yaml:4 key 'state.connection_env': is required for kind postgres")]
    [InlineData("state: { kind: mysql, connection_env: X }", "pql.yaml:4 key 'state.kind': 'mysql' is not a state store")]
    [InlineData("engine: spark", "pql.yaml:4 key 'engine': 'spark' is not an engine")]
    [InlineData("engine: { kind: postgres, table: events }", "pql.yaml:4 key 'engine': postgres needs connection_env")]
    [InlineData("memory_budget: lots", "pql.yaml:4 key 'memory_budget': 'lots' is not a size")]
    public void Bad_values_name_the_file_line_and_key(string yaml, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_state_without_its_variable_set_is_one_clear_line()
    {
        var config = Parse("state: { kind: postgres, connection_env: PQL_TEST_UNSET_VARIABLE }");

        var ex = Assert.Throws<ConfigException>(() => StateStores.Open(config));

        Assert.Equal("pql.yaml:4 key 'state.connection_env': environment variable PQL_TEST_UNSET_VARIABLE is not set (it must hold the PostgreSQL connection string)", ex.Message);
    }

    [ServerFact]
    public async Task Postgres_state_opens_the_configured_schema()
    {
        var schema = "pqlcfg_" + Guid.NewGuid().ToString("N");
        var config = Parse($"state: {{ kind: postgres, connection_env: {PostgresStores.Variable}, schema: {schema} }}");
        try
        {
            using var store = StateStores.Open(config);

            var pg = Assert.IsType<PostgresStateStore>(store);
            Assert.Equal(schema, pg.Schema);
            Assert.Equal(PostgresMigrations.LatestVersion, await pg.SchemaVersionAsync());
        }
        finally
        {
            await using var c = new Npgsql.NpgsqlConnection(RequiresServerAttribute.Value(PostgresStores.Variable));
            await c.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", c);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
