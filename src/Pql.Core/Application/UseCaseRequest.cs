using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.State;

namespace Pql.Core.Application;

/// <summary>What every use case is told besides its own options: the workspace, who asks, and where progress goes.</summary>
public abstract record UseCaseRequest(string Workspace)
{
    /// <summary>Who makes the state changes this request causes. Default: the operating-system user.</summary>
    public Actor By { get; init; } = Actor.OperatingSystemUser();

    /// <summary>
    /// Where the use case's lines go: progress (Information events named <c>Progress</c>, which the CLI shows on an interactive
    /// terminal), detail (Debug, <c>Detail</c>: the CLI shows them with --verbose) and warnings the user must see (Warning,
    /// <c>Warning</c>: the CLI writes them to stderr), such as an as-of long after the data ends. None by default.
    /// </summary>
    public ILogger Log { get; init; } = NullLogger.Instance;
}
