using System.Text.Json.Nodes;
using System.Threading.RateLimiting;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Marketo REST. Gets an access token by client credentials, <c>POST {identity}/oauth/token</c> with the client id and secret in
/// the form body (never in the URL, where proxies log them), cached until shortly before <c>expires_in</c>; then
/// <c>POST /rest/v1/leads.json</c> with <c>{"action":"createOrUpdate","lookupField","input":[...]}</c>, up to 300 leads per call,
/// each lead's <c>result[seq]</c> mapped back to its action (a skipped lead fails alone). Marketo reports errors inside HTTP 200:
/// 601/602 (token invalid/expired) refresh the token once; 606 (100 calls per 20 s) defers 20 s, 607 (daily quota) defers to
/// midnight US Central, 615 (10 concurrent calls) defers a few seconds, all without spending an attempt; 604/608/611/713/1029
/// back off; 603 (access denied) is a credentials failure. A client-side throttle keeps to 100 calls per 20 s.
/// </summary>
public sealed class MarketoConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal const int MaxLeads = 300;
    private static readonly string[] s_backOff = ["604", "608", "611", "713", "1029"];
    private readonly OAuthToken _token = new(context.Time);

    internal override RateLimiter? Throttle => Throttles.PerWindow($"marketo:{RequireSetting("base_url")}", 100, TimeSpan.FromSeconds(20));

    /// <summary>Tokens fetched so far.</summary>
    internal int TokensFetched => _token.Fetched;

    internal override int BatchLimit(string action) => MaxLeads;

    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var results = new DeliveryResult?[1];
        await DeliverBatchAsync([p], results, cancellationToken).ConfigureAwait(false);
        return results[0]!;
    }

    internal override async Task DeliverBatchAsync(IReadOnlyList<ActionPayload?> payloads, DeliveryResult?[] results, CancellationToken cancellationToken)
    {
        var baseUrl = RequireSetting("base_url").TrimEnd('/');
        var lookupField = Setting("lookup_field", null, "email")!;
        var input = new JsonArray();
        var sent = new List<int>();
        for (var i = 0; i < payloads.Count; i++)
        {
            if (payloads[i] is not { } p)
                continue;
            var lookupAttribute = Setting("lookup_attribute", p, lookupField)!;
            if (p.Attribute(lookupAttribute) is not { } lookup)
            {
                results[i] = new DeliveryResult(DeliveryOutcome.Rejected, $"entity {p.EntityId} has no '{lookupAttribute}' attribute (the lead's {lookupField})");
                continue;
            }
            input.Add(new JsonObject
            {
                [lookupField] = lookup,
                [Setting("score_field", p, "pqlScore")!] = p.Score,
                [Setting("tier_field", p, "pqlTier")!] = p.Tier,
            });
            sent.Add(i);
        }
        if (sent.Count == 0)
            return;
        var body = new JsonObject { ["action"] = "createOrUpdate", ["lookupField"] = lookupField, ["input"] = input }.ToJsonString();
        var answer = await SendBearerAsync(HttpMethod.Post, () => $"{baseUrl}/rest/v1/leads.json", body, cancellationToken).ConfigureAwait(false);
        var json = (int)answer.Status == 200 ? JsonNode.Parse(answer.Body) as JsonObject : null;
        if (json is null || (bool?)json["success"] != true)
        {
            var whole = json is null ? Classify(answer, "leads.json") : CallError(json, BearerRejected(answer));
            foreach (var i in sent)
                results[i] = whole;
            return;
        }
        var records = json["result"] as JsonArray ?? [];
        for (var k = 0; k < sent.Count; k++)
            results[sent[k]] = Record(records.FirstOrDefault(r => (int?)r?["seq"] == k) ?? (k < records.Count ? records[k] : null));
    }

    /// <summary>601 (token invalid) or 602 (expired), inside an HTTP 200.</summary>
    internal override bool BearerRejected(HttpAnswer answer)
    {
        if ((int)answer.Status != 200 || !answer.Body.Contains("\"60", StringComparison.Ordinal))
            return false;
        try
        {
            return (string?)FirstOf(JsonNode.Parse(answer.Body)?["errors"])?["code"] is "601" or "602";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    internal override bool ForgetBearer() => _token.Forget();

    internal override Task<string> BearerAsync(CancellationToken cancellationToken) => _token.GetAsync(ct =>
    {
        var identity = (Setting("identity_url") ?? $"{RequireSetting("base_url").TrimEnd('/')}/identity").TrimEnd('/');
        return PostTokenAsync($"{identity}/oauth/token", [
            new("grant_type", "client_credentials"),
            new("client_id", RequireSetting("client_id")),
            new("client_secret", RequireSetting("client_secret")),
        ], "oauth token", ct);
    }, cancellationToken);

    /// <summary>The result of a call Marketo refused as a whole (<c>success:false</c>).</summary>
    private DeliveryResult CallError(JsonObject json, bool stillRejectedToken)
    {
        var error = FirstOf(json["errors"]);
        var code = (string?)error?["code"] ?? "?";
        var detail = $"leads.json: Marketo error {code} {(string?)error?["message"]}";
        var now = Context.Time.GetUtcNow();
        return code switch
        {
            "601" or "602" when stillRejectedToken => new(DeliveryOutcome.AuthFailed, $"{detail} even with a fresh token; check the API user's role"),
            "603" => new(DeliveryOutcome.AuthFailed, $"{detail}: access denied; check the API user's permissions"),
            "606" => new(DeliveryOutcome.Deferred, $"{detail} (100 calls per 20 s)", TimeSpan.FromSeconds(20)),
            "607" => new(DeliveryOutcome.Deferred, $"{detail} (daily quota; resets at midnight US Central)", QuotaClock.UntilMidnight(now, "America/Chicago")),
            "615" => new(DeliveryOutcome.Deferred, $"{detail} (10 concurrent calls)", TimeSpan.FromSeconds(5)),
            _ when Array.IndexOf(s_backOff, code) >= 0 => new(DeliveryOutcome.Retry, detail),
            _ => new(DeliveryOutcome.Rejected, detail),
        };
    }

    private static DeliveryResult Record(JsonNode? record)
    {
        var status = (string?)record?["status"];
        if (status is "created" or "updated")
            return DeliveryResult.Ok($"leads.json: lead {(long?)record!["id"]} {status}");
        var reason = FirstOf(record?["reasons"]);
        return new DeliveryResult(DeliveryOutcome.Rejected, $"leads.json: lead {status ?? "not in the answer"}: {(string?)reason?["code"]} {(string?)reason?["message"]}");
    }
}
