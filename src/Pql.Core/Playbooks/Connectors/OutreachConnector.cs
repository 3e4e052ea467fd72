using System.Globalization;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Outreach v2 (JSON:API, Bearer). Auth: a static <c>token</c>, or the OAuth refresh-token grant (<c>refresh_token</c>,
/// <c>client_id</c>, <c>client_secret</c>, optional <c>redirect_uri</c>; <c>POST {token_url}</c>), since Outreach access tokens
/// live about two hours: cached for <c>expires_in</c>, refreshed once on 401; Outreach may rotate the refresh token, and the
/// newest one is used for the rest of the process. <c>POST /sequenceStates</c> with <c>Content-Type: application/vnd.api+json</c>
/// and the prospect, sequence and mailbox relationships. A 422 is checked with a lookup
/// (<c>GET /sequenceStates?filter[prospect][id]=&amp;filter[sequence][id]=</c>): a state found means an earlier attempt got through
/// (delivered); none means the 422 stands (rejected). A 429 (the hourly per-user limit) defers to the reset the headers name,
/// else the top of the hour, without spending an attempt.
/// </summary>
public sealed class OutreachConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal const string JsonApi = "application/vnd.api+json";
    private readonly OAuthToken _token = new(context.Time);
    private string? _rotatedRefresh;

    private bool UsesOAuth => HasSetting("refresh_token");

    internal int TokensFetched => _token.Fetched;

    internal override Task<string> BearerAsync(CancellationToken cancellationToken) => UsesOAuth
        ? _token.GetAsync(async ct =>
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("client_id", RequireSetting("client_id")),
                new("client_secret", RequireSetting("client_secret")),
                new("refresh_token", _rotatedRefresh ?? RequireSetting("refresh_token")),
            };
            if (Setting("redirect_uri") is { } redirect)
                form.Add(new("redirect_uri", redirect));
            var answer = await PostTokenAsync(Setting("token_url", null, "https://api.outreach.io/oauth/token")!, form, "oauth token refresh", ct).ConfigureAwait(false);
            _rotatedRefresh = (string?)answer["refresh_token"] ?? _rotatedRefresh;
            return answer;
        }, cancellationToken)
        : base.BearerAsync(cancellationToken);

    internal override bool ForgetBearer() => UsesOAuth && _token.Forget();

    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var baseUrl = (Setting("base_url", p, "https://api.outreach.io/api/v2") ?? "").TrimEnd('/');
        var attribute = Setting("prospect_attribute", p, "outreach_prospect_id")!;
        var prospect = Id(p.Attribute(attribute), $"entity {p.EntityId} attribute '{attribute}' (the Outreach prospect id)");
        var sequence = Id(RequireSetting("sequence_id", p), "setting 'sequence_id'");
        var mailbox = Id(RequireSetting("mailbox_id", p), "setting 'mailbox_id'");
        var body = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["type"] = "sequenceState",
                ["relationships"] = new JsonObject
                {
                    ["prospect"] = Ref("prospect", prospect),
                    ["sequence"] = Ref("sequence", sequence),
                    ["mailbox"] = Ref("mailbox", mailbox),
                },
            },
        }.ToJsonString();
        var answer = await SendBearerAsync(HttpMethod.Post, () => $"{baseUrl}/sequenceStates", body, cancellationToken, JsonApi, JsonApi).ConfigureAwait(false);
        if ((int)answer.Status == 429)
            return HourlyLimit(answer);
        if ((int)answer.Status != 422)
            return Classify(answer, "sequenceState create");
        return await ExistingStateAsync(baseUrl, prospect, sequence, cancellationToken).ConfigureAwait(false) is { } state
            ? DeliveryResult.Ok($"sequenceState: prospect {prospect} already in sequence {sequence} (sequenceState {state})")
            : Classify(answer, "sequenceState create");
    }

    /// <summary>The id of the prospect's state in the sequence, or null when there is none.</summary>
    private async Task<string?> ExistingStateAsync(string baseUrl, long prospect, long sequence, CancellationToken ct)
    {
        var url = string.Create(CultureInfo.InvariantCulture,
            $"{baseUrl}/sequenceStates?filter%5Bprospect%5D%5Bid%5D={prospect}&filter%5Bsequence%5D%5Bid%5D={sequence}");
        var answer = await SendBearerAsync(HttpMethod.Get, () => url, null, ct, accept: JsonApi).ConfigureAwait(false);
        if ((int)answer.Status == 429)
            throw new DeliveryException(HourlyLimit(answer));
        if ((int)answer.Status != 200)
            throw new DeliveryException(LookupFailed(answer, "sequenceState lookup"));
        var data = JsonNode.Parse(answer.Body)?["data"] as JsonArray ?? throw new System.Text.Json.JsonException("sequenceState lookup: no data array");
        return data.Count > 0 ? data[0]?["id"]?.ToJsonString() : null;
    }

    private DeliveryResult HourlyLimit(HttpAnswer answer)
    {
        var now = Context.Time.GetUtcNow();
        var wait = QuotaClock.FromResetHeader(answer.Header("X-RateLimit-Reset"), now) ?? answer.RetryAfter ?? QuotaClock.UntilNextHour(now);
        return new DeliveryResult(DeliveryOutcome.Deferred, "sequenceState create: HTTP 429 hourly request limit reached", wait);
    }

    private static long Id(string? text, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new RejectedException($"{what} is missing or not a numeric id");

    private static JsonObject Ref(string type, long id) => new() { ["data"] = new JsonObject { ["type"] = type, ["id"] = id } };
}
