using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks;

namespace Pql.Core.Tests.State;

/// <summary>
/// Makes state stores for the contract tests: each factory instance is one fresh, empty database; <see cref="Open"/> may be called
/// several times and every store it returns is another connection to that same database (as two processes would have).
/// A PostgreSQL implementation supplies its own factory and inherits every contract class unchanged.
/// </summary>
public interface IStateStoreFactory : IDisposable
{
    IStateStore Open(TimeProvider time);

    /// <summary>Runs raw SQL on the database (to tamper with it, or to add a trigger), outside any store.</summary>
    void Execute(string sql);

    /// <summary>Adds a database trigger that makes every insert of an audit entry with this action fail (to prove a write is one transaction).</summary>
    void RefuseAuditAction(string action);

    /// <summary>The workspace's API keys with their audit entries going where the workspace would send them for this state.</summary>
    IApiKeys Keys(IStateStore store);
}

/// <summary>The base of every state contract class: a fresh database per test, one open store and a way to open more.</summary>
public abstract class StateContract<TFactory> : IDisposable where TFactory : IStateStoreFactory, new()
{
    private readonly TFactory _factory = new();
    private readonly List<IStateStore> _opened = [];

    protected StateContract() => Store = Open();

    protected ManualClock Clock { get; } = new(Some.Start);

    protected static Actor Alice { get; } = Actor.Named("alice");

    protected IStateStore Store { get; }

    /// <summary>The database behind the stores, for raw SQL.</summary>
    protected TFactory Factory => _factory;

    protected long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Another connection to the same database.</summary>
    protected IStateStore Open()
    {
        var store = _factory.Open(Clock);
        _opened.Add(store);
        return store;
    }

    protected Task Record(string runId, IReadOnlyList<TriggerFiring>? firings = null, IReadOnlyList<OutboxAction>? actions = null, params EntityScore[] rows) =>
        Store.RecordRunAsync("conversion", _ => new RunRecording(Some.Run(runId, rows), firings ?? [], actions ?? []), Alice);

    protected static TriggerFiring Firing(string run, string entity) => new(run, "conversion", entity, "t", "p", "why", "{}", 1);

    public void Dispose()
    {
        foreach (var s in _opened)
            s.Dispose();
        _factory.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The embedded SQLite store, one temporary state.db per factory.</summary>
public sealed class SqliteStores : IStateStoreFactory
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-state-").FullName;

    public IStateStore Open(TimeProvider time) => SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"), time);

    public void Execute(string sql)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, ".pql", "state.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void RefuseAuditAction(string action) => Execute(
        $"CREATE TRIGGER refuse_{Name(action)} BEFORE INSERT ON audit WHEN NEW.action = '{action}' BEGIN SELECT RAISE(ABORT, 'refused by test'); END");

    /// <summary>An action as part of an SQL identifier (api-key.create: api_key_create).</summary>
    public static string Name(string action) => new([.. action.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_')]);

    /// <summary>SQLite state: the keys live in the same file and chain into its audit table.</summary>
    public IApiKeys Keys(IStateStore store) => SqliteApiKeys.OpenWorkspace(Path.Combine(_dir, ".pql"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

public sealed class SqliteScoreHistoryContract : ScoreHistoryContract<SqliteStores>;

public sealed class SqliteModelRegistryContract : ModelRegistryContract<SqliteStores>;

public sealed class SqliteTriggerLogContract : TriggerLogContract<SqliteStores>;

public sealed class SqliteAuditLogContract : AuditLogContract<SqliteStores>;

public sealed class SqliteOutboxContract : OutboxContract<SqliteStores>;

public sealed class SqliteAuditChainContract : AuditChainContract<SqliteStores>;

public sealed class SqlitePromotionApprovalsContract : PromotionApprovalsContract<SqliteStores>;

public sealed class SqliteOverridesContract : OverridesContract<SqliteStores>;

public sealed class SqliteFeedbackContract : FeedbackContract<SqliteStores>;

public sealed class SqliteApiKeyAuditContract : ApiKeyAuditContract<SqliteStores>;
