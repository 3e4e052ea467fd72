using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// HubSpot, with a private-app token (<c>token</c>) or OAuth (<c>refresh_token</c>, <c>client_id</c>, <c>client_secret</c>:
/// <c>POST /oauth/v1/token</c> with <c>grant_type=refresh_token</c>, the access token cached for its <c>expires_in</c> and
/// refreshed once on 401). Date-versioned paths (<c>objects_api_version</c>, default 2026-03):
/// <c>update_properties</c> is <c>POST /crm/objects/{version}/{companies|contacts}/batch/update</c> with up to 100
/// <c>{"id","properties"}</c> inputs, each action's record read back from <c>results</c> or <c>errors[].context.ids</c>;
/// <c>add_to_list</c> is <c>PUT /crm/lists/{version}/{listId}/memberships/add</c> with up to 100 ids, where ids in
/// <c>recordIdsMissing</c> fail their actions (HubSpot answers 200 and ignores them). A 429 with <c>policyName</c> DAILY defers to
/// midnight (<c>daily_reset_timezone</c>, default UTC), the per-10-second one to its Retry-After, neither spending an attempt; a
/// client-side throttle keeps to <c>calls_per_10s</c> (default 100, the lowest published burst limit).
/// </summary>
public sealed class HubSpotConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal const int MaxInputs = 100;
    private readonly OAuthToken _token = new(context.Time);

    private string BaseUrl => (Setting("base_url", null, "https://api.hubapi.com") ?? "").TrimEnd('/');

    internal override RateLimiter? Throttle =>
        Throttles.PerWindow($"hubspot:{BaseUrl}:{Name}", int.Parse(Setting("calls_per_10s") ?? "100", CultureInfo.InvariantCulture), TimeSpan.FromSeconds(10));

    internal override int BatchLimit(string action) => MaxInputs;

    private bool UsesOAuth => HasSetting("refresh_token");

    internal override Task<string> BearerAsync(CancellationToken cancellationToken) => UsesOAuth
        ? _token.GetAsync(ct => PostTokenAsync($"{BaseUrl}/oauth/v1/token", [
            new("grant_type", "refresh_token"),
            new("client_id", RequireSetting("client_id")),
            new("client_secret", RequireSetting("client_secret")),
            new("refresh_token", RequireSetting("refresh_token")),
        ], "oauth token refresh", ct), cancellationToken)
        : base.BearerAsync(cancellationToken);

    internal override bool ForgetBearer() => UsesOAuth && _token.Forget();

    internal int TokensFetched => _token.Fetched;

    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var results = new DeliveryResult?[1];
        await DeliverBatchAsync([p], results, cancellationToken).ConfigureAwait(false);
        return results[0]!;
    }

    internal override async Task DeliverBatchAsync(IReadOnlyList<ActionPayload?> payloads, DeliveryResult?[] results, CancellationToken cancellationToken)
    {
        // Actions of one call share its path: the object type (update) or the list (add); step params may differ per action.
        var groups = new Dictionary<string, List<(int Index, string RecordId)>>(StringComparer.Ordinal);
        for (var i = 0; i < payloads.Count; i++)
        {
            if (payloads[i] is not { } p)
                continue;
            try
            {
                var key = p.Action.Action == "add_to_list" ? $"list:{RequireSetting("list_id", p)}" : $"object:{ObjectType(p)}";
                var idAttribute = Setting("id_attribute", p, "hubspot_id")!;
                var recordId = p.Attribute(idAttribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{idAttribute}' attribute (the HubSpot record id)");
                (groups.TryGetValue(key, out var list) ? list : groups[key] = []).Add((i, recordId));
            }
            catch (RejectedException ex)
            {
                results[i] = new DeliveryResult(DeliveryOutcome.Rejected, ex.Message);
            }
        }
        foreach (var (key, members) in groups)
        {
            if (key.StartsWith("list:", StringComparison.Ordinal))
                await AddToListAsync(key[5..], members, payloads, results, cancellationToken).ConfigureAwait(false);
            else
                await UpdateAsync(key[7..], members, payloads, results, cancellationToken).ConfigureAwait(false);
        }
    }

    private string ObjectType(ActionPayload p)
    {
        var obj = Setting("object", p, "companies")!;
        return obj is "companies" or "contacts" ? obj : throw new RejectedException($"object '{obj}' is not companies or contacts");
    }

    private async Task UpdateAsync(string obj, List<(int Index, string RecordId)> members, IReadOnlyList<ActionPayload?> payloads, DeliveryResult?[] results, CancellationToken ct)
    {
        // HubSpot refuses duplicate ids in one batch: the newest action for a record is sent, older ones ride on its result.
        var latest = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (index, recordId) in members)
            latest[recordId] = index;
        var inputs = new JsonArray();
        foreach (var (recordId, index) in latest)
        {
            var p = payloads[index]!;
            var properties = new JsonObject
            {
                [Setting("score_property", p, "pql_score")!] = p.ScoreText,
                [Setting("tier_property", p, "pql_tier")!] = p.Tier,
            };
            inputs.Add(new JsonObject { ["id"] = recordId, ["properties"] = properties });
        }
        var what = $"{obj} batch update";
        var version = Setting("objects_api_version", null, "2026-03");
        var body = new JsonObject { ["inputs"] = inputs }.ToJsonString();
        var answer = await SendBearerAsync(HttpMethod.Post, () => $"{BaseUrl}/crm/objects/{version}/{obj}/batch/update", body, ct).ConfigureAwait(false);
        var code = (int)answer.Status;
        if (code is not (200 or 207))
        {
            var whole = Quota(answer, what) ?? Classify(answer, what);
            foreach (var (index, _) in members)
                results[index] = whole;
            return;
        }
        var json = JsonNode.Parse(answer.Body) as JsonObject ?? throw new System.Text.Json.JsonException("the batch answer is not a JSON object");
        var outcome = new Dictionary<string, DeliveryResult>(StringComparer.Ordinal);
        foreach (var result in json["results"] as JsonArray ?? [])
            outcome[(string)result!["id"]!] = DeliveryResult.Ok($"{what}: record {(string?)result["id"]} updated");
        foreach (var error in json["errors"] as JsonArray ?? [])
        {
            var message = $"{what}: {(string?)error?["category"]} {(string?)error?["message"]}";
            foreach (var id in error?["context"]?["ids"] as JsonArray ?? [])
                outcome[(string)id!] = new DeliveryResult(DeliveryOutcome.Rejected, message);
        }
        foreach (var (index, recordId) in members)
        {
            results[index] = outcome.TryGetValue(recordId, out var r) ? r : new DeliveryResult(DeliveryOutcome.Retry, $"{what}: record {recordId} is not in the answer");
            if (latest[recordId] != index && results[index]!.Outcome == DeliveryOutcome.Delivered)
                results[index] = DeliveryResult.Ok($"{what}: record {recordId} set by a newer action in the same batch");
        }
    }

    private async Task AddToListAsync(string listId, List<(int Index, string RecordId)> members, IReadOnlyList<ActionPayload?> payloads, DeliveryResult?[] results, CancellationToken ct)
    {
        var what = $"list {listId} add";
        var version = Setting("lists_api_version", payloads[members[0].Index], "2026-03");
        var body = new JsonArray([.. members.Select(m => m.RecordId).Distinct(StringComparer.Ordinal).Select(id => (JsonNode)id)]).ToJsonString();
        var answer = await SendBearerAsync(HttpMethod.Put, () => $"{BaseUrl}/crm/lists/{version}/{Uri.EscapeDataString(listId)}/memberships/add", body, ct).ConfigureAwait(false);
        if ((int)answer.Status != 200)
        {
            var whole = Quota(answer, what) ?? Classify(answer, what);
            foreach (var (index, _) in members)
                results[index] = whole;
            return;
        }
        var json = JsonNode.Parse(answer.Body) as JsonObject ?? throw new System.Text.Json.JsonException("the list answer is not a JSON object");
        var missing = (json["recordIdsMissing"] as JsonArray ?? []).Select(n => (string?)n).ToHashSet(StringComparer.Ordinal);
        foreach (var (index, recordId) in members)
        {
            results[index] = missing.Contains(recordId)
                ? new DeliveryResult(DeliveryOutcome.Rejected, $"{what}: HubSpot has no record {recordId} (recordIdsMissing)")
                : DeliveryResult.Ok($"{what}: record {recordId} is a member");
        }
    }

    /// <summary>A 429 that names its policy: DAILY waits for midnight, the per-second ones for their Retry-After; no attempt spent.</summary>
    private DeliveryResult? Quota(HttpAnswer answer, string what)
    {
        if ((int)answer.Status != 429)
            return null;
        string? policy;
        try
        {
            policy = (string?)(JsonNode.Parse(answer.Body) as JsonObject)?["policyName"];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        if (policy is null)
            return null;
        if (policy.Equals("DAILY", StringComparison.OrdinalIgnoreCase))
        {
            var wait = QuotaClock.UntilMidnight(Context.Time.GetUtcNow(), Setting("daily_reset_timezone", null, "UTC")!);
            return new DeliveryResult(DeliveryOutcome.Deferred, $"{what}: HTTP 429 daily API limit used up (policy DAILY)", wait);
        }
        return new DeliveryResult(DeliveryOutcome.Deferred, $"{what}: HTTP 429 rate limited (policy {policy})", answer.RetryAfter ?? TimeSpan.FromSeconds(10));
    }
}
