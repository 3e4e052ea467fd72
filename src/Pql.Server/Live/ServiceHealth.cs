using System.Collections.Concurrent;

namespace Pql.Server.Live;

/// <summary>
/// What /readyz reports: whether the workspace is loaded and each background service's last failure. A background service records
/// its failure here before it retries, so a dead loop is visible instead of silent.
/// </summary>
public sealed class ServiceHealth
{
    private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);
    private volatile bool _loaded;
    private volatile string? _loadError;

    public bool Loaded => _loaded;

    public string? LoadError => _loadError;

    public IReadOnlyDictionary<string, string> Failures => _failures;

    public bool Ready => _loaded && _failures.IsEmpty;

    public void MarkLoaded() => _loaded = true;

    public void MarkLoadFailed(string problem) => _loadError = problem;

    public void Fail(string service, string problem) => _failures[service] = problem;

    public void Recover(string service) => _failures.TryRemove(service, out _);
}
