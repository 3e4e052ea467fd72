using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>Slack incoming webhook (200 "ok", 400 invalid_payload) and chat.postMessage (200 with ok true/false, Bearer bot token).</summary>
internal sealed class SlackFake(string botToken) : FakeApi
{
    public const string HookPath = "/services/T0000/B0000/fakehookpath";

    public ConcurrentQueue<JsonObject> Messages { get; } = new();

    protected override FakeResponse Unauthorized() => new(403, "invalid_token", "text/plain");

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (r.Method == "POST" && r.Path == HookPath)
        {
            if (!JsonContentType(r) || ParseBody(r) is not JsonObject hook || hook["text"] is not JsonValue || hook["blocks"] is not JsonArray)
                return Problem(400, "webhook payload", "invalid_payload") with { ContentType = "text/plain" };
            Messages.Enqueue(hook);
            return new FakeResponse(200, "ok", "text/html");
        }
        if (r.Method == "POST" && r.Path == "/api/chat.postMessage")
        {
            if (r.Header("Authorization") != $"Bearer {botToken}")
                return new FakeResponse(200, """{"ok":false,"error":"invalid_auth"}""");
            if (!JsonContentType(r) || ParseBody(r) is not JsonObject msg)
                return Problem(200, "chat body", """{"ok":false,"error":"invalid_json"}""");
            if (msg["channel"] is not JsonValue channel)
                return Problem(200, "no channel", """{"ok":false,"error":"channel_not_found"}""");
            if (msg["text"] is null && msg["blocks"] is null)
                return Problem(200, "no text", """{"ok":false,"error":"no_text"}""");
            Messages.Enqueue(msg);
            return new FakeResponse(200, $$$"""{"ok":true,"channel":"{{{(string)channel!}}}","ts":"1700000000.{{{Messages.Count:D6}}}","message":{}}""");
        }
        return Problem(404, $"{r.Method} {r.Path}", "no_service") with { ContentType = "text/plain" };
    }
}
