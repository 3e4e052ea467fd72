using Microsoft.Extensions.Logging;

namespace Pql.Core.Playbooks;

/// <summary>
/// The Playbooks stage's log events: structured ones for hosts (attempts, deferrals, lost leases), and the dispatcher's redacted
/// per-attempt lines as Debug events named <c>Detail</c>, which the CLI shows with --verbose (docs/ARCHITECTURE.md, Logging).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Outbox action {ActionId} via {Connector}/{Action} for {EntityId}, attempt {Attempt}: {Outcome}")]
    public static partial void DeliveryAttempt(ILogger logger, string actionId, string connector, string action, string entityId, int attempt, string outcome);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Outbox action {ActionId}: lease lost to another dispatcher; its result was not recorded")]
    public static partial void LeaseLost(ILogger logger, string actionId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Outbox action {ActionId} deferred until {UntilMs}: {Reason}")]
    public static partial void Deferred(ILogger logger, string actionId, long untilMs, string reason);

    [LoggerMessage(EventId = 3101, EventName = "Detail", Level = LogLevel.Debug, Message = "{Message}")]
    public static partial void Detail(ILogger logger, string message);
}
