using Pql.Core.Playbooks.Connectors;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks.Connectors;

public sealed class SlackConnectorTests : IDisposable
{
    private readonly SlackFake _fake = new("xoxb-bot-token");

    public void Dispose() => _fake.Dispose();

    private static string Payload(string? channel = null) => Some.Payload("k1", new Dictionary<string, string>(), channel: channel);

    [Fact]
    public async Task Webhook_posts_text_and_blocks_and_accepts_ok()
    {
        var secrets = Some.Secrets(("SLACK_WEBHOOK_URL", _fake.BaseUrl + SlackFake.HookPath));
        var connector = new SlackWebhookConnector(Some.Connector("slack_webhook", ("url", "${SLACK_WEBHOOK_URL}")), Some.Context(secrets));

        var result = await connector.SendAsync(Some.Action("slack_webhook", "post", Payload()), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var message = Assert.Single(_fake.Messages);
        Assert.Equal("acme is high_touch (0.82)", (string?)message["text"]);
        Assert.Equal("section", (string?)message["blocks"]![0]!["type"]);
        Assert.DoesNotContain("fakehookpath", result.Detail);
    }

    [Fact]
    public async Task Chat_post_message_sends_to_the_routed_channel()
    {
        var secrets = Some.Secrets(("SLACK_BOT_TOKEN", "xoxb-bot-token"));
        var connector = new SlackChatConnector(Some.Connector("slack", ("token", "${SLACK_BOT_TOKEN}"), ("base_url", _fake.BaseUrl + "/api")), Some.Context(secrets));

        var result = await connector.SendAsync(Some.Action("slack", "post", Payload("#ent-sales")), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal("#ent-sales", (string?)Assert.Single(_fake.Messages)["channel"]);
        Assert.Empty(_fake.Problems);
    }

    [Fact]
    public async Task Chat_post_message_with_invalid_auth_in_a_200_fails_auth()
    {
        var secrets = Some.Secrets(("SLACK_BOT_TOKEN", "xoxb-revoked"));
        var connector = new SlackChatConnector(Some.Connector("slack", ("token", "${SLACK_BOT_TOKEN}"), ("base_url", _fake.BaseUrl + "/api")), Some.Context(secrets));

        var result = await connector.SendAsync(Some.Action("slack", "post", Payload("#x")), default);

        Assert.Equal(DeliveryOutcome.AuthFailed, result.Outcome);
        Assert.Contains("invalid_auth", result.Detail);
        Assert.DoesNotContain("xoxb-revoked", result.Detail);
    }
}
