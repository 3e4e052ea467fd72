using Pql.Core.Features.Sql;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Workspace;

/// <summary>
/// Tables read from PostgreSQL (<c>postgres: schema.table</c> or <c>query:</c>, with <c>connection_env</c>) are checked when pql.yaml is
/// read, each mistake one line with file, line and key; what needs the server (the variable's value, the table) is checked by the load.
/// </summary>
public sealed class DatabaseSourceConfigTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public DatabaseSourceConfigTests() => _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");

    public void Dispose() => _ws.Dispose();

    private WorkspaceConfig Config(string events) => _ws.Config($"data:\n  accounts: accounts.csv\n  events:\n{events}");

    [Fact]
    public void A_table_and_a_query_source_parse_with_their_row_options()
    {
        var config = _ws.Config("""
            data:
              accounts: { query: "SELECT * FROM crm.orgs ORDER BY id;  ", connection_env: PQL_SOURCE_PG, columns: { account_id: id } }
              events:
                - { postgres: analytics."Events", connection_env: PQL_SOURCE_PG, columns: { timestamp: ts }, where: { kind: real }, account_via: { path: accounts.csv, key: org } }
            """);

        var accounts = config.Data.Accounts!;
        Assert.Equal(new DatabaseSource(null, "SELECT * FROM crm.orgs ORDER BY id", "PQL_SOURCE_PG", "data.accounts", 2), accounts.Database);
        Assert.Equal(["postgres:query(data.accounts)"], accounts.Paths);
        Assert.Equal("id", accounts.Column("account_id"));
        var events = config.Data.Events[0];
        Assert.Equal("postgres:analytics.\"Events\"", events.Database!.Name);
        Assert.Equal(["postgres:analytics.\"Events\""], events.Paths);
        Assert.Equal("ts", events.Column("timestamp"));
        Assert.Single(events.Filters);
        Assert.NotNull(events.AccountVia);
    }

    [Theory]
    [InlineData("    postgres: a.events\n", 4, "data.events.connection_env", "is required for a PostgreSQL table")]
    [InlineData("    postgres: a.events\n    connection_env: \"postgres://u:p@h/db\"\n", 5, "data.events.connection_env", "is not an environment variable name")]
    [InlineData("    postgres: a.events\n    query: SELECT 1\n    connection_env: PG\n", 5, "data.events.query", "give either postgres (a table or view) or query, not both")]
    [InlineData("    postgres: a.events\n    connection_env: PG\n    format: csv\n", 6, "data.events.format", "is an option of files")]
    [InlineData("    postgres: a.events\n    connection_env: PG\n    path: events.csv\n", 6, "data.events.path", "the table is read from PostgreSQL (postgres); remove 'path'")]
    [InlineData("    postgres: \"a.events; DROP TABLE x\"\n    connection_env: PG\n", 4, "data.events.postgres", "is not a table name")]
    [InlineData("    query: \"  ; \"\n    connection_env: PG\n", 4, "data.events.query", "is empty")]
    [InlineData("    path: accounts.csv\n    connection_env: PG\n", 5, "data.events.connection_env", "only a table read from PostgreSQL")]
    public void Mistakes_are_one_line_with_file_line_and_key(string events, int line, string key, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => Config(events));

        Assert.Equal((line, key), (e.Line, e.Key));
        Assert.Contains(problem, e.Problem);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Numbering_rows_needs_a_query_with_its_order()
    {
        var e = Assert.Throws<ConfigException>(() => _ws.Config("data:\n  accounts: { postgres: crm.orgs, connection_env: PG, id: line, created_at: 2020-01-01 }\n  events: accounts.csv\n"));

        Assert.Equal("data.accounts.id", e.Key);
        Assert.Contains("use 'query:' with ORDER BY", e.Problem);
        Assert.True(_ws.Config("data:\n  accounts: { query: SELECT name FROM crm.orgs ORDER BY name, connection_env: PG, id: line, created_at: 2020-01-01 }\n  events: accounts.csv\n").Data.Accounts!.IdFromLine);
    }

    [Fact]
    public void An_unset_connection_variable_is_one_line_naming_the_table_the_variable_and_the_key()
    {
        var config = Config("    postgres: analytics.events\n    connection_env: PQL_TEST_UNSET_SOURCE_PG\n");

        var e = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(config));

        Assert.Equal("postgres:analytics.events: the environment variable PQL_TEST_UNSET_SOURCE_PG (data.events.connection_env) is not set; it must hold the PostgreSQL connection string", e.Message);
    }

    [Fact]
    public void DuckDb_over_raw_files_stops_with_one_line_on_an_events_table_read_from_postgres()
    {
        var config = _ws.Config("engine: duckdb\ndata:\n  accounts: accounts.csv\n  events: { postgres: analytics.events, connection_env: PQL_TEST_UNSET_SOURCE_PG }\n");

        var e = Assert.Throws<PqlInputException>(() => new DuckDbFeatureSource(config).Dispose());

        Assert.Equal("pql.yaml:4 key 'data.events': engine duckdb reads the workspace's files, and this table is read from PostgreSQL (postgres:analytics.events); use engine: memory, or export the table to Parquet", e.Message);
    }
}
