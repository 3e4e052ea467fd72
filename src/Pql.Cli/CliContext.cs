using Microsoft.Extensions.Logging;
using Pql.Core.State;

namespace Pql.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and errors to <see cref="Err"/>.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, bool verbose, bool interactive, Actor by)
{
    public TextWriter Out { get; } = output;
    public TextWriter Err { get; } = error;
    public bool Verbose { get; } = verbose;
    /// <summary>True on a terminal with CI unset: progress is shown. Piped or CI output stays quiet.</summary>
    public bool Interactive { get; } = interactive;
    /// <summary>Who the state changes are recorded as: <c>--by NAME</c>, or the operating-system user.</summary>
    public Actor By { get; } = by;

    /// <summary>
    /// The logger the Application services and stages write their lines to, rendered by <see cref="TerminalLoggerProvider"/>
    /// exactly as <see cref="Progress"/>, <see cref="Detail"/> and <see cref="Warn"/> print.
    /// </summary>
    public ILogger Log => _log ??= new TerminalLoggerProvider(this).CreateLogger("pql");

    private ILogger? _log;

    /// <summary>A progress line on stderr, shown only on an interactive terminal.</summary>
    public void Progress(string message)
    {
        if (Interactive)
            Err.WriteLine($"  .. {message}");
    }

    /// <summary>A warning the user must see whatever the terminal: one line on stderr.</summary>
    public void Warn(string message) => Err.WriteLine(message);

    /// <summary>Extra detail, shown with --verbose.</summary>
    public void Detail(string message)
    {
        if (Verbose)
            Err.WriteLine(message);
    }
}
