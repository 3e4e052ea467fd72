using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>The Slack message body both Slack connectors send: the message as text (the fallback) and as blocks, the reason as context.</summary>
internal static class SlackBlocks
{
    public static JsonObject Message(ActionPayload p, string? channel)
    {
        var blocks = new JsonArray(
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = p.Message } },
            new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = p.Reason.Length > 2900 ? p.Reason[..2900] : p.Reason }),
            });
        var body = new JsonObject();
        if (channel is not null)
            body["channel"] = channel;
        body["text"] = p.Message;
        body["blocks"] = blocks;
        return body;
    }
}
