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
