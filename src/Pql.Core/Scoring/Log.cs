using Microsoft.Extensions.Logging;

namespace Pql.Core.Scoring;

/// <summary>
/// The Scoring stage's log events. Progress lines (labelling, features, fitting, scoring) are Information events named
/// <c>Progress</c>, the name the CLI's terminal provider shows (docs/ARCHITECTURE.md, Logging).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, EventName = "Progress", Level = LogLevel.Information, Message = "{Message}")]
    public static partial void Progress(ILogger logger, string message);
}
