using Microsoft.Extensions.Logging;

namespace Pql.Core.Tests;

/// <summary>A test logger provider: keeps every event (level, id, formatted message) and can react to each as it is logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly List<(LogLevel Level, EventId Id, string Message)> _entries = [];

    /// <summary>Called with each message as it is logged (e.g. to cancel a load at a given step).</summary>
    public Action<string>? OnMessage { get; init; }

    public ILogger Logger => CreateLogger("test");

    public ILogger CreateLogger(string categoryName) => new Capturing(this);

    /// <summary>The messages of the events with this name (<c>Progress</c>, <c>Detail</c>, <c>Warning</c>), in order.</summary>
    public IReadOnlyList<string> Messages(string eventName)
    {
        lock (_lock)
            return [.. _entries.Where(e => e.Id.Name == eventName).Select(e => e.Message)];
    }

    /// <summary>Every message, whatever its event, in order.</summary>
    public IReadOnlyList<string> AllMessages
    {
        get
        {
            lock (_lock)
                return [.. _entries.Select(e => e.Message)];
        }
    }

    public void Dispose()
    {
    }

    private sealed class Capturing(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            lock (owner._lock)
                owner._entries.Add((logLevel, eventId, message));
            owner.OnMessage?.Invoke(message);
        }
    }
}
