using System.Text.Json;
using System.Threading.Channels;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Server.Live;

/// <summary>An entity touched by an accepted event, and when the event was acknowledged (for the rescoring latency).</summary>
public readonly record struct Touch(string AccountId, string? UserId, long AcceptedTicks);

/// <summary>
/// The server's view of its workspace: the config, the loaded data (loaded on start, extended in memory with accepted events,
/// loaded again in full after entity upserts and schedules),
/// the ids it knows, the durable ingest segments and the queue of touched entities the rescorer drains.
/// </summary>
public sealed class WorkspaceEngine : IDisposable
{
    private readonly Lock _ids = new();
    private readonly HashSet<string> _accounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _userAccount = new(StringComparer.Ordinal);
    private readonly HashSet<string> _eventIds = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _stateGate = new(1, 1);
    private readonly Lock _ingest = new();
    private List<string> _pending = [];
    private bool _fullLoadDue;
    private LoadResult? _load;
    private bool _rescoring;
    private int _loadGeneration;

    public WorkspaceEngine(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Config = ConfigLoader.Load(options.Workspace);
        Directory.CreateDirectory(Config.StateDirectory);
        State = StateStores.Open(Config);
        Keys = SqliteApiKeys.OpenWorkspace(Config.StateDirectory);
        Segments = new IngestSegmentWriter(Config);
    }

    public ServerOptions Options { get; }

    public WorkspaceConfig Config { get; }

    /// <summary>The connection API reads use; <see cref="WithStateAsync"/> serialises them (one SQLite connection is not thread-safe).</summary>
    private IStateStore State { get; }

    public IApiKeys Keys { get; }

    public IngestSegmentWriter Segments { get; }

    public Channel<Touch> Touched { get; } = Channel.CreateUnbounded<Touch>(new UnboundedChannelOptions { SingleReader = false });

    /// <summary>True while the rescorer is in a pass (its touches already taken off <see cref="Touched"/>).</summary>
    public bool Rescoring { get => Volatile.Read(ref _rescoring); set => Volatile.Write(ref _rescoring, value); }

    /// <summary>Nothing queued and no pass running: every accepted event so far is reflected in the scores.</summary>
    public bool Idle => !Rescoring && Touched.Reader.Count == 0;

    /// <summary>How many full loads ran (<see cref="Reload"/>): the rescorer reads its kept rows again after one.</summary>
    public int LoadGeneration => Volatile.Read(ref _loadGeneration);

    /// <summary>The latest load of the workspace (files plus received segments); null until the first load ends.</summary>
    public LoadResult? Load => Volatile.Read(ref _load);

    /// <summary>
    /// Stores accepted event rows: appended durably to the ingest segments and kept for the next <see cref="Refresh"/>, under one
    /// lock with <see cref="Reload"/> so every row is either in a load or waiting for the next.
    /// </summary>
    public void AppendEvents(IReadOnlyList<string> lines)
    {
        lock (_ingest)
        {
            Segments.AppendEvents(lines);
            _pending.AddRange(lines);
        }
    }

    /// <summary>Makes the next <see cref="Refresh"/> load the workspace in full (entities were posted, a schedule ran).</summary>
    public void RequestFullLoad() => Volatile.Write(ref _fullLoadDue, true);

    /// <summary>
    /// Brings the loaded data up to date with the events accepted since: appended to the store in memory (no file is read), or a
    /// full <see cref="Reload"/> when one is due or the new rows change an entity.
    /// </summary>
    public LoadResult Refresh()
    {
        List<string> lines;
        bool full;
        lock (_ingest)
        {
            lines = _pending;
            _pending = [];
            full = _fullLoadDue || _load is null;
            _fullLoadDue = false;
        }
        if (!full && AppendedEvents.Append(Config, _load!, lines, FeatureConfig.Parse(Config).PropertyKeysNeeded) is { } appended)
        {
            Volatile.Write(ref _load, appended);
            return appended;
        }
        return Reload();
    }

    /// <summary>Loads the workspace's data (configured files and ingest segments) and learns its ids.</summary>
    public LoadResult Reload()
    {
        LoadResult load;
        lock (_ingest)
        {
            // Ingest waits for the load, so no accepted row is both read from the segments and still pending.
            load = WorkspaceLoader.Load(Config, new LoadOptions { PropertyKeys = FeatureConfig.Parse(Config).PropertyKeysNeeded });
            _pending.Clear();
        }
        lock (_ids)
        {
            var store = load.Store;
            foreach (var id in store.AccountIds.Values)
                _accounts.Add(id);
            for (var u = 0; u < store.UserCount; u++)
            {
                _users.Add(store.UserIds[u]);
                _userAccount[store.UserIds[u]] = store.AccountIds[store.UserAccount[u]];
            }
        }
        Volatile.Write(ref _load, load);
        Interlocked.Increment(ref _loadGeneration);
        return load;
    }

    /// <summary>Remembers the event ids already in the ingest segments (replays of them are duplicates).</summary>
    public void LearnSegmentEventIds()
    {
        if (IngestSegments.Events(Config) is not { } source)
            return;
        foreach (var path in source.Paths)
        {
            foreach (var line in File.ReadLines(path))
            {
                if (EventId(line) is { } id)
                    lock (_ids)
                        _eventIds.Add(id);
            }
        }
    }

    public bool KnowsAccount(string id)
    {
        lock (_ids)
            return _accounts.Contains(id);
    }

    /// <summary>The account of a known user, or null.</summary>
    public string? AccountOfUser(string id)
    {
        lock (_ids)
            return _userAccount.GetValueOrDefault(id);
    }

    public void AddAccounts(IEnumerable<string> ids)
    {
        lock (_ids)
            _accounts.UnionWith(ids);
    }

    public void AddUser(string id, string account)
    {
        lock (_ids)
        {
            _users.Add(id);
            _userAccount[id] = account;
        }
    }

    /// <summary>Claims an event id: false when it was stored before (the row is a duplicate).</summary>
    public bool ClaimEventId(string id)
    {
        lock (_ids)
            return _eventIds.Add(id);
    }

    /// <summary>Gives back ids claimed for a batch that could not be written.</summary>
    public void ReleaseEventIds(IEnumerable<string> ids)
    {
        lock (_ids)
        {
            foreach (var id in ids)
                _eventIds.Remove(id);
        }
    }

    public async Task<T> WithStateAsync<T>(Func<IStateStore, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        await _stateGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await read(State).ConfigureAwait(false);
        }
        finally
        {
            _stateGate.Release();
        }
    }

    public void Dispose()
    {
        Segments.Dispose();
        State.Dispose();
        _stateGate.Dispose();
    }

    private static string? EventId(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null; // a line torn by a crash: never acknowledged, and the loader rejects it
        }
    }
}
