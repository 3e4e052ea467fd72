using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// The Slack message body both Slack connectors send: the message as text (the fallback) and as blocks, the reason as context.
/// Text objects hold at most 3,000 characters (a longer section is refused as <c>invalid_blocks</c>) and the top-level text
/// 40,000, so longer text is cut there with an ellipsis rather than refused.
/// </summary>
internal static class SlackBlocks
{
    internal const int TextObjectLimit = 3000;
    internal const int MessageTextLimit = 40000;

    public static JsonObject Message(ActionPayload p, string? channel)
    {
        var blocks = new JsonArray(
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(p.Message, TextObjectLimit) } },
            new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(p.Reason, TextObjectLimit) }),
            });
        var body = new JsonObject();
        if (channel is not null)
            body["channel"] = channel;
        body["text"] = Cut(p.Message, MessageTextLimit);
        body["blocks"] = blocks;
        return body;
    }

    /// <summary>The text, or its first <paramref name="limit"/> - 1 characters and an ellipsis (never splitting a surrogate pair).</summary>
    internal static string Cut(string text, int limit)
    {
        if (text.Length <= limit)
            return text;
        var keep = limit - 1;
        if (char.IsHighSurrogate(text[keep - 1]))
            keep--;
        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
