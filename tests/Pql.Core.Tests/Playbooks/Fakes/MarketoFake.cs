using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>
/// Marketo: GET /identity/oauth/token (client credentials) and POST /rest/v1/leads.json with Bearer; errors arrive inside HTTP 200
/// as <c>{"success":false,"errors":[{"code":"601"...}]}</c>. Can expire the current token (602) or answer a queued error code
/// (606 rate, 607 daily quota). The token call must carry the client secret in a POST form body, not the URL. A lead whose email
/// has no @ is skipped with its reason, as Marketo does.
/// </summary>
internal sealed class MarketoFake(string clientId, string clientSecret) : FakeApi
{
    private int _tokens;
    private int _calls;

    /// <summary>leads.json calls that got past auth and the queued errors.</summary>
    public int LeadCalls => _calls;
    private volatile string? _current;

    public ConcurrentDictionary<string, JsonObject> Leads { get; } = new();
    public int TokensIssued => _tokens;
    public ConcurrentQueue<string> ErrorCodes { get; } = new();

    /// <summary>Makes the token in use invalid, as when it expires.</summary>
    public void ExpireToken() => _current = null;

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (r.Path == "/identity/oauth/token")
        {
            if (r.Method != "POST" || r.QueryValue("client_secret") is not null)
                return Problem(400, "secret in the URL or not a POST", """{"error":"invalid_request"}""");
            var form = new FakeRequest(r.Method, r.Path, "?" + r.Body, r.Headers, "");
            if (form.QueryValue("grant_type") != "client_credentials" || form.QueryValue("client_id") != clientId || form.QueryValue("client_secret") != clientSecret)
                return new FakeResponse(401, """{"error":"unauthorized","error_description":"Bad client credentials"}""");
            var token = $"tok-{Interlocked.Increment(ref _tokens)}:{Guid.NewGuid():N}";
            _current = token;
            return new FakeResponse(200, $$"""{"access_token":"{{token}}","token_type":"bearer","expires_in":3599,"scope":"api@x"}""");
        }
        if (r.Method != "POST" || r.Path != "/rest/v1/leads.json")
            return Problem(404, $"{r.Method} {r.Path}", "Not Found") with { ContentType = "text/plain" };
        var auth = r.Header("Authorization");
        if (auth is null || !auth.StartsWith("Bearer ", StringComparison.Ordinal))
            return Error("601", "Access token invalid");
        if (auth[7..] != _current)
            return Error("602", "Access token expired");
        if (ErrorCodes.TryDequeue(out var code))
            return Error(code, code switch { "606" => "Max rate limit '100' exceeded with in '20' secs", "607" => "Daily quota reached", _ => "error" });
        Interlocked.Increment(ref _calls);
        var body = ParseBody(r);
        var lookup = (string?)body?["lookupField"];
        if (!JsonContentType(r) || (string?)body?["action"] is not ("createOrUpdate" or "updateOnly" or "createOnly") || lookup is null
            || body!["input"] is not JsonArray input || input.Count is 0 or > 300)
            return Problem(200, "leads body", """{"requestId":"r1","success":false,"errors":[{"code":"609","message":"Invalid JSON"}]}""");
        var results = new JsonArray();
        for (var i = 0; i < input.Count; i++)
        {
            if (input[i]?[lookup] is not JsonValue key)
            {
                results.Add(new JsonObject { ["seq"] = i, ["status"] = "skipped", ["reasons"] = new JsonArray(new JsonObject { ["code"] = "1003", ["message"] = "Value for lookup field missing" }) });
                continue;
            }
            if (lookup == "email" && !((string)key!).Contains('@', StringComparison.Ordinal))
            {
                results.Add(new JsonObject { ["seq"] = i, ["status"] = "skipped", ["reasons"] = new JsonArray(new JsonObject { ["code"] = "1003", ["message"] = $"Invalid email address '{(string)key!}'" }) });
                continue;
            }
            var created = Leads.TryAdd((string)key!, (JsonObject)input[i]!.DeepClone());
            if (!created)
                Leads[(string)key!] = (JsonObject)input[i]!.DeepClone();
            results.Add(new JsonObject { ["seq"] = i, ["id"] = Leads.Count, ["status"] = created ? "created" : "updated" });
        }
        return new FakeResponse(200, new JsonObject { ["requestId"] = "r1", ["success"] = true, ["result"] = results }.ToJsonString());
    }

    private static FakeResponse Error(string code, string message) =>
        new(200, $$"""{"requestId":"r0","success":false,"errors":[{"code":"{{code}}","message":"{{message}}"}]}""");
}
