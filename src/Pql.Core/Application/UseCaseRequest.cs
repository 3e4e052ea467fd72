using Pql.Core.State;

namespace Pql.Core.Application;

/// <summary>What every use case is told besides its own options: the workspace, who asks, and where progress goes.</summary>
public abstract record UseCaseRequest(string Workspace)
{
    /// <summary>Who makes the state changes this request causes. Default: the operating-system user.</summary>
    public Actor By { get; init; } = Actor.OperatingSystemUser();

    /// <summary>Short progress lines (the CLI shows them on an interactive terminal).</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>Warnings the user must see (the CLI writes them to stderr); for example an as-of long after the data ends.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Detail lines (the CLI shows them with --verbose).</summary>
    public Action<string>? Detail { get; init; }
}
