using Microsoft.Extensions.Logging;

namespace Pql.Cli;

/// <summary>
/// Renders the engine's user-facing log events as the CLI has always printed them: <c>Progress</c> events as "  .. line" on
/// stderr only on an interactive terminal, <c>Detail</c> events only with --verbose, <c>Warning</c> events always. Other events
/// (the structured ones hosts such as pql serve collect) are not terminal lines and are left out, so the output is unchanged.
/// </summary>
internal sealed class TerminalLoggerProvider(CliContext context) : ILoggerProvider
{
    private readonly Lock _write = new();

    public ILogger CreateLogger(string categoryName) => new TerminalLogger(this);

    private bool Shows(LogLevel level) => level switch
    {
        LogLevel.Information => context.Interactive,
        LogLevel.Debug => context.Verbose,
        LogLevel.Warning => true,
        _ => false,
    };

    public void Dispose()
    {
    }

    private void Write(LogLevel level, EventId id, string line)
    {
        var text = (id.Name, level) switch
        {
            ("Progress", LogLevel.Information) => context.Interactive ? $"  .. {line}" : null,
            ("Detail", LogLevel.Debug) => context.Verbose ? line : null,
            ("Warning", LogLevel.Warning) => line,
            _ => null,
        };
        if (text is null)
            return;
        lock (_write)   // dispatcher shares log from their own tasks; a line is never interleaved
            context.Err.WriteLine(text);
    }

    private sealed class TerminalLogger(TerminalLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => provider.Shows(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            provider.Write(logLevel, eventId, formatter(state, exception));
        }
    }
}
