using Npgsql;
using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>
/// PostgreSQL stores for the contract tests: one fresh schema per factory in the database named by <c>PQL_TEST_PG</c>, dropped at the end,
/// so tests running in parallel never see each other's rows.
/// </summary>
public sealed class PostgresStores : IStateStoreFactory
{
    public const string Variable = "PQL_TEST_PG";

    public string ConnectionString { get; } = RequiresServerAttribute.Value(Variable)
        ?? throw new InvalidOperationException($"{Variable} is not set");

    public string Schema { get; } = "pqltest_" + Guid.NewGuid().ToString("N");

    public IStateStore Open(TimeProvider time) => PostgresStateStore.OpenAsync(ConnectionString, Schema, time).GetAwaiter().GetResult();

    private readonly string _keysDir = Directory.CreateTempSubdirectory("pql-pg-keys-").FullName;

    public void Execute(string sql)
    {
        using var c = new NpgsqlConnection(ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand($"SET search_path TO \"{Schema}\"; {sql}", c);
        cmd.ExecuteNonQuery();
    }

    public void RefuseAuditAction(string action) => Execute($"""
        CREATE FUNCTION refuse_{SqliteStores.Name(action)}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
        CREATE TRIGGER refuse_{SqliteStores.Name(action)} BEFORE INSERT ON audit FOR EACH ROW WHEN (NEW.action = '{action}') EXECUTE FUNCTION refuse_{SqliteStores.Name(action)}();
        """);

    /// <summary>PostgreSQL state: the keys stay in the workspace's state file and their audit entries join the PostgreSQL chain.</summary>
    public IApiKeys Keys(IStateStore store) => SqliteApiKeys.OpenWorkspace(_keysDir, stateAudit: store);

    public void Dispose()
    {
        Directory.Delete(_keysDir, recursive: true);
        using var c = new NpgsqlConnection(ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", c);
        cmd.ExecuteNonQuery();
    }
}

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresScoreHistoryContract : ScoreHistoryContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresModelRegistryContract : ModelRegistryContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresTriggerLogContract : TriggerLogContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresAuditLogContract : AuditLogContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresOutboxContract : OutboxContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresAuditChainContract : AuditChainContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresPromotionApprovalsContract : PromotionApprovalsContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresOverridesContract : OverridesContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresFeedbackContract : FeedbackContract<PostgresStores>;

[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresApiKeyAuditContract : ApiKeyAuditContract<PostgresStores>;
