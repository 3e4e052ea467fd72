using Microsoft.Extensions.Logging;

namespace Pql.Core.Ingest;

/// <summary>
/// The Ingest stage's log events. Progress lines (files opened, rows read) are Information events named <c>Progress</c>, the
/// name the CLI's terminal provider shows (docs/ARCHITECTURE.md, Logging).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, EventName = "Progress", Level = LogLevel.Information, Message = "{Message}")]
    public static partial void Progress(ILogger logger, string message);

    /// <summary>A figure for whoever tunes the load (per-stage CPU and waits): shown with <c>--verbose</c>.</summary>
    [LoggerMessage(EventId = 1002, EventName = "Detail", Level = LogLevel.Debug, Message = "{Message}")]
    public static partial void Detail(ILogger logger, string message);
}
