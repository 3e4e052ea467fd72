namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Slack incoming webhook: <c>POST {url}</c> with <c>{"text","blocks"}</c>; success is 200 with body <c>ok</c>.
/// 400 invalid_payload / 404 channel_not_found / 410 channel_is_archived are rejected, 403 action_prohibited stops,
/// 429 waits for Retry-After, 500 rollup_error retries. Webhooks take no idempotency key.
/// </summary>
public sealed class SlackWebhookConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, RequireSetting("url"), null);
        request.Content = Json(SlackBlocks.Message(p, channel: null).ToJsonString());
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)answer.Status == 200 && answer.Body.Trim() != "ok")
            return new DeliveryResult(DeliveryOutcome.Rejected, $"webhook: HTTP 200 but body '{answer.Body}' instead of 'ok'");
        return Classify(answer, "webhook post");
    }
}
