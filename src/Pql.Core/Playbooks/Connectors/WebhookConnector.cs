using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Generic webhook: <c>POST {url}</c> with a JSON event <c>{"id","type","created","data"}</c> whose bytes are the same on every
/// retry (<c>created</c> is when the action was queued), an <c>Idempotency-Key</c> header (the action id), and a signature header
/// (default <c>X-Pql-Signature</c>) <c>t=&lt;unix&gt;,v1=&lt;hex&gt;[,v1=&lt;hex&gt;...]</c> where v1 = HMAC-SHA256(secret,
/// "&lt;unix&gt;." + raw body). With <c>standard_webhooks: true</c> the Standard Webhooks headers are sent beside it:
/// <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64&gt;[ v1,...]</c> over
/// "id.timestamp.body" (a <c>whsec_</c> secret is base64-decoded into the key). During a secret rotation <c>secret</c> holds
/// several secrets separated by spaces, and every one signs, so receivers on the old or the new secret both verify.
/// </summary>
public sealed class WebhookConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["id"] = p.Id,
            ["type"] = "pql.play",
            ["created"] = p.Action.CreatedMs / 1000,
            ["data"] = p.Clone(),
        }.ToJsonString();
        var ts = Context.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var secrets = RequireSetting("secret").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var request = Request(HttpMethod.Post, RequireSetting("url"), null);
        request.Content = Json(body);
        request.Headers.Add("Idempotency-Key", p.Id);
        request.Headers.Add(Setting("signature_header", p, "X-Pql-Signature")!, $"t={ts}," + string.Join(',', secrets.Select(s => $"v1={Sign(s, ts, body)}")));
        if (Setting("standard_webhooks", p, "false") is "true")
        {
            request.Headers.Add("webhook-id", p.Id);
            request.Headers.Add("webhook-timestamp", ts);
            request.Headers.Add("webhook-signature", string.Join(' ', secrets.Select(s => $"v1,{SignStandard(s, p.Id, ts, body)}")));
        }
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        return Classify(answer, "webhook post");
    }

    /// <summary>Lowercase hex HMAC-SHA256 over <c>timestamp + "." + body</c>.</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
    }

    /// <summary>Standard Webhooks: base64 HMAC-SHA256 over <c>id.timestamp.body</c>; a <c>whsec_</c> secret's key is its base64 part.</summary>
    public static string SignStandard(string secret, string id, string timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = secret.StartsWith("whsec_", StringComparison.Ordinal) ? Convert.FromBase64String(secret["whsec_".Length..]) : Encoding.UTF8.GetBytes(secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
    }
}
