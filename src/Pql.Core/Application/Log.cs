using Microsoft.Extensions.Logging;

namespace Pql.Core.Application;

/// <summary>The application layer's log events.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Goal {Goal} trained: model {Version} ({Kind}) registered by {Actor}")]
    public static partial void GoalTrained(ILogger logger, string goal, string version, string kind, string actor);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Goal {Goal} was not trained: {Problem}")]
    public static partial void GoalNotTrained(ILogger logger, string goal, string problem);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Run {RunId} of goal {Goal} recorded by {Actor}: {Firings} firing(s), {Actions} action(s) queued")]
    public static partial void RunRecorded(ILogger logger, string runId, string goal, string actor, int firings, int actions);
}
