using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Generic webhook: <c>POST {url}</c> with a JSON event <c>{"id","type","created","data"}</c>, an <c>Idempotency-Key</c>
/// header (the action id), and a signature header (default <c>X-Pql-Signature</c>) of the form <c>t=&lt;unix&gt;,v1=&lt;hex&gt;</c>
/// where v1 = HMAC-SHA256(secret, "&lt;unix&gt;." + raw body). Receivers verify in constant time and reject stale timestamps.
/// </summary>
public sealed class WebhookConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var now = Context.Time.GetUtcNow().ToUnixTimeSeconds();
        var body = new JsonObject
        {
            ["id"] = p.Id,
            ["type"] = "pql.play",
            ["created"] = now,
            ["data"] = p.Clone(),
        }.ToJsonString();
        var ts = now.ToString(CultureInfo.InvariantCulture);
        using var request = Request(HttpMethod.Post, RequireSetting("url"), null);
        request.Content = Json(body);
        request.Headers.Add("Idempotency-Key", p.Id);
        request.Headers.Add(Setting("signature_header", p, "X-Pql-Signature")!, $"t={ts},v1={Sign(RequireSetting("secret"), ts, body)}");
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        return Classify(answer, "webhook post");
    }

    /// <summary>Lowercase hex HMAC-SHA256 over <c>timestamp + "." + body</c>.</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
    }
}
