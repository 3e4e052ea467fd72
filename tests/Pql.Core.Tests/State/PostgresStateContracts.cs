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

    public void Dispose()
    {
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
