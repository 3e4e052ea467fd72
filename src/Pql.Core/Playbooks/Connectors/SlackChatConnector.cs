using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Slack Web API <c>chat.postMessage</c> with a bot token (<c>Authorization: Bearer xoxb-...</c>), channel from routing.
/// Slack answers HTTP 200 with <c>{"ok":false,"error":...}</c>: auth errors stop, <c>ratelimited</c> retries, the rest are rejected.
/// </summary>
public sealed class SlackChatConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    private static readonly string[] s_authErrors = ["not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "missing_scope", "no_permission"];

    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var channel = p.Channel ?? Setting("channel", p) ?? throw new RejectedException("no channel: set the step's channel/channels or the connector's channel");
        var baseUrl = (Setting("base_url", p, "https://slack.com/api") ?? "").TrimEnd('/');
        using var request = Request(HttpMethod.Post, $"{baseUrl}/chat.postMessage", RequireSetting("token"));
        request.Content = Json(SlackBlocks.Message(p, channel).ToJsonString(), "application/json");
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)answer.Status != 200)
            return Classify(answer, "chat.postMessage");
        var json = JsonNode.Parse(answer.Body);
        if ((bool?)json?["ok"] == true)
            return DeliveryResult.Ok($"chat.postMessage to {channel}: ts {(string?)json!["ts"]}");
        var error = (string?)json?["error"] ?? "unknown_error";
        if (Array.IndexOf(s_authErrors, error) >= 0)
            return new DeliveryResult(DeliveryOutcome.AuthFailed, $"chat.postMessage: {error}: the bot token was rejected or lacks chat:write; fix it, then 'pql outbox --retry-dead'");
        if (error is "ratelimited" or "rate_limited")
            return new DeliveryResult(DeliveryOutcome.Retry, $"chat.postMessage: {error}", answer.RetryAfter);
        return new DeliveryResult(DeliveryOutcome.Rejected, $"chat.postMessage: {error}");
    }
}
