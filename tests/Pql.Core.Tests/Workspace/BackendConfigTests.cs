using Pql.Core.State;
using Pql.Core.Tests.Servers;
using Pql.Core.Tests.State;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Workspace;

/// <summary><c>state: postgres</c> opens the PostgreSQL store (the section's parsing is tested with the config loader).</summary>
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
    public void Postgres_state_without_its_variable_set_is_one_clear_line()
    {
        var config = Parse("state: { kind: postgres, connection_env: PQL_TEST_UNSET_VARIABLE }");

        var ex = Assert.Throws<PqlInputException>(() => StateStores.Open(config));

        Assert.Equal("pql.yaml key 'state.connection_env': environment variable PQL_TEST_UNSET_VARIABLE is not set (it must hold the PostgreSQL connection string)", ex.Message);
    }

    [ServerFact]
    public async Task Postgres_state_opens_the_pql_schema_at_the_latest_version()
    {
        var config = Parse($"state: {{ kind: postgres, connection_env: {PostgresStores.Variable} }}");

        using var store = StateStores.Open(config);

        var pg = Assert.IsType<PostgresStateStore>(store);
        Assert.Equal(StateStores.PostgresSchema, pg.Schema);
        Assert.Equal(PostgresMigrations.LatestVersion, await pg.SchemaVersionAsync());
    }
}
