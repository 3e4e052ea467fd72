using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Marketo REST. Gets an access token by client credentials (<c>GET {identity}/oauth/token?grant_type=client_credentials&amp;...</c>),
/// caches it until shortly before <c>expires_in</c>, then <c>POST /rest/v1/leads.json</c> with
/// <c>{"action":"createOrUpdate","lookupField","input":[...]}</c> and <c>Authorization: Bearer</c>. Marketo reports errors inside
/// HTTP 200: 601/602 (token invalid/expired) refresh the token and retry once at once; 606/607/615 (rate, daily quota,
/// concurrency), 604/608/611/713 (timeouts, unavailable) back off; 603 (access denied) stops; a skipped record is rejected.
/// </summary>
public sealed class MarketoConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    private static readonly string[] s_backOff = ["604", "606", "607", "608", "611", "615", "713", "1029"];
    private string? _token;
    private DateTimeOffset _tokenExpires;

    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var result = await PushAsync(p, cancellationToken).ConfigureAwait(false);
        if (result.TokenRejected)
        {
            _token = null;
            result = await PushAsync(p, cancellationToken).ConfigureAwait(false);
            if (result.TokenRejected)
                return new DeliveryResult(DeliveryOutcome.AuthFailed, $"leads.json: {result.Result.Detail} even with a fresh token; check the API user's role");
        }
        return result.Result;
    }

    private async Task<(DeliveryResult Result, bool TokenRejected)> PushAsync(ActionPayload p, CancellationToken ct)
    {
        var baseUrl = RequireSetting("base_url").TrimEnd('/');
        var token = await TokenAsync(baseUrl, ct).ConfigureAwait(false);
        if (token.Failure is not null)
            return (token.Failure, false);
        var lookupField = Setting("lookup_field", p, "email")!;
        var lookupAttribute = Setting("lookup_attribute", p, lookupField)!;
        var lookup = p.Attribute(lookupAttribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{lookupAttribute}' attribute (the lead's {lookupField})");
        var lead = new JsonObject
        {
            [lookupField] = lookup,
            [Setting("score_field", p, "pqlScore")!] = p.Score,
            [Setting("tier_field", p, "pqlTier")!] = p.Tier,
        };
        var body = new JsonObject { ["action"] = "createOrUpdate", ["lookupField"] = lookupField, ["input"] = new JsonArray(lead) };
        using var request = Request(HttpMethod.Post, $"{baseUrl}/rest/v1/leads.json", token.Value);
        request.Content = Json(body.ToJsonString());
        var answer = await SendRequestAsync(request, ct).ConfigureAwait(false);
        if ((int)answer.Status != 200)
            return (Classify(answer, "leads.json"), false);
        var json = JsonNode.Parse(answer.Body);
        if ((bool?)json?["success"] != true)
        {
            var error = json?["errors"]?[0];
            var code = (string?)error?["code"] ?? "?";
            var detail = $"leads.json: Marketo error {code} {(string?)error?["message"]}";
            if (code is "601" or "602")
                return (new DeliveryResult(DeliveryOutcome.AuthFailed, detail), true);
            if (code == "603")
                return (new DeliveryResult(DeliveryOutcome.AuthFailed, detail + ": access denied; check the API user's permissions"), false);
            if (Array.IndexOf(s_backOff, code) >= 0)
                return (new DeliveryResult(DeliveryOutcome.Retry, detail), false);
            return (new DeliveryResult(DeliveryOutcome.Rejected, detail), false);
        }
        var record = json!["result"]?[0];
        var status = (string?)record?["status"];
        if (status is "created" or "updated")
            return (DeliveryResult.Ok($"leads.json: lead {(long?)record!["id"]} {status}"), false);
        var reason = record?["reasons"]?[0];
        return (new DeliveryResult(DeliveryOutcome.Rejected, $"leads.json: lead {status ?? "not processed"}: {(string?)reason?["code"]} {(string?)reason?["message"]}"), false);
    }

    private async Task<(string? Value, DeliveryResult? Failure)> TokenAsync(string baseUrl, CancellationToken ct)
    {
        if (_token is not null && Context.Time.GetUtcNow() < _tokenExpires)
            return (_token, null);
        var identity = (Setting("identity_url", null, null) ?? $"{baseUrl}/identity").TrimEnd('/');
        var url = $"{identity}/oauth/token?grant_type=client_credentials&client_id={Uri.EscapeDataString(RequireSetting("client_id"))}" +
                  $"&client_secret={Uri.EscapeDataString(RequireSetting("client_secret"))}";
        using var request = Request(HttpMethod.Get, url, null);
        var answer = await SendRequestAsync(request, ct).ConfigureAwait(false);
        if ((int)answer.Status != 200)
        {
            var failure = Classify(answer, "oauth token");
            if ((int)answer.Status is 400 or 401)
                failure = new DeliveryResult(DeliveryOutcome.AuthFailed, $"oauth token: HTTP {(int)answer.Status}: the client id/secret were rejected; fix them, then 'pql outbox --retry-dead'");
            return (null, failure);
        }
        var json = JsonNode.Parse(answer.Body);
        var token = (string?)json?["access_token"];
        if (string.IsNullOrEmpty(token))
            return (null, new DeliveryResult(DeliveryOutcome.AuthFailed, "oauth token: the answer held no access_token"));
        Context.Secrets.Remember(token);
        var seconds = (int?)json!["expires_in"] ?? 3599;
        _token = token;
        _tokenExpires = Context.Time.GetUtcNow().AddSeconds(Math.Max(0, seconds - 60));
        return (token, null);
    }
}
