namespace Pql.Server;

/// <summary>How <c>pql serve</c> runs: which workspace, where it listens and its limits.</summary>
public sealed record ServerOptions
{
    public required string Workspace { get; init; }

    /// <summary>Listen addresses; loopback unless told otherwise.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    public long MaxRequestBytes { get; init; } = 16L << 20;

    /// <summary>Requests per second allowed per API key (token bucket; 429 past it).</summary>
    public int RequestsPerSecond { get; init; } = 500;

    /// <summary>How long the rescorer waits after the first touched entity to gather others into one rescoring.</summary>
    public TimeSpan CoalesceWindow { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How often the in-process dispatcher looks for due actions.</summary>
    public TimeSpan DispatchInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where log lines go (the CLI's error stream); none when null.</summary>
    public TextWriter? Log { get; init; }
}
