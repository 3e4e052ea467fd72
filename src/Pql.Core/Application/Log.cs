using Microsoft.Extensions.Logging;

namespace Pql.Core.Application;

/// <summary>
/// The application layer's log events. Besides the structured ones, the lines a user follows are three named events the CLI's
/// terminal provider renders as before: <c>Progress</c> (Information, shown on an interactive terminal), <c>Detail</c> (Debug,
/// shown with --verbose) and <c>Warning</c> (Warning, always shown). See docs/ARCHITECTURE.md, Logging.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Goal {Goal} trained: model {Version} ({Kind}) registered by {Actor}")]
    public static partial void GoalTrained(ILogger logger, string goal, string version, string kind, string actor);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Goal {Goal} was not trained: {Problem}")]
    public static partial void GoalNotTrained(ILogger logger, string goal, string problem);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Run {RunId} of goal {Goal} recorded by {Actor}: {Firings} firing(s), {Actions} action(s) queued")]
    public static partial void RunRecorded(ILogger logger, string runId, string goal, string actor, int firings, int actions);

    [LoggerMessage(EventId = 9101, EventName = "Progress", Level = LogLevel.Information, Message = "{Message}")]
    public static partial void Progress(ILogger logger, string message);

    [LoggerMessage(EventId = 9102, EventName = "Detail", Level = LogLevel.Debug, Message = "{Message}")]
    public static partial void Detail(ILogger logger, string message);

    [LoggerMessage(EventId = 9103, EventName = "Warning", Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Warning(ILogger logger, string message);
}
