using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>
/// Salesforce REST: Task upsert by external id (201 new / 200 existing), sObject PATCH (204), and <c>POST /composite</c>
/// whose subrequests run all-or-none and report their statuses inside an HTTP 200. Bearer auth.
/// </summary>
internal sealed class SalesforceFake(string token) : FakeApi
{
    private const string Data = "/services/data/v60.0";
    private volatile string _accepted = token;
    private int _tokens;
    private int _calls;
    private int _expireAfter = int.MaxValue;
    private (string ClientId, string? Secret, string? Username, System.Security.Cryptography.RSA? Key)? _app;

    /// <summary>Tokens issued by <c>/services/oauth2/token</c>.</summary>
    public int TokensIssued => _tokens;

    /// <summary>Subrequests of <c>/composite</c> answer 403 REQUEST_LIMIT_EXCEEDED inside the HTTP 200.</summary>
    public bool CompositeLimitExceeded { get; set; }

    /// <summary>sObject ids that no longer exist (a collection update reports ENTITY_IS_DELETED for them).</summary>
    public HashSet<string> DeletedIds { get; } = [];

    /// <summary>Issues tokens by client credentials (with a secret) or JWT bearer (with the app's public key and the user).</summary>
    public void EnableOAuth(string clientId, string? secret = null, string? username = null, System.Security.Cryptography.RSA? publicKey = null) =>
        _app = (clientId, secret, username, publicKey);

    /// <summary>The token in use stops working after <paramref name="calls"/> more API calls, as a session times out.</summary>
    public void ExpireTokenAfter(int calls) => _expireAfter = Volatile.Read(ref _calls) + calls;

    public ConcurrentDictionary<string, JsonObject> Tasks { get; } = new();
    public ConcurrentDictionary<string, JsonObject> Updates { get; } = new();
    public bool RequestLimitExceeded { get; set; }

    protected override FakeResponse Unauthorized() =>
        new(401, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""");

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (r.Path == "/services/oauth2/token")
            return Token(r);
        if (Volatile.Read(ref _calls) >= _expireAfter)
        {
            _accepted = "expired";
            _expireAfter = int.MaxValue;
        }
        if (r.Header("Authorization") != $"Bearer {_accepted}")
            return Unauthorized();
        Interlocked.Increment(ref _calls);
        if (RequestLimitExceeded)
            return new FakeResponse(403, """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""");
        if (!JsonContentType(r) || ParseBody(r) is not JsonObject body)
            return Problem(400, "body is not JSON", """[{"errorCode":"JSON_PARSER_ERROR","message":"bad json"}]""");
        if (r.Method == "POST" && r.Path == $"{Data}/composite")
            return CompositeLimitExceeded
                ? new FakeResponse(200, """{"compositeResponse":[{"body":[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}],"httpHeaders":{},"httpStatusCode":403,"referenceId":"task"}]}""")
                : Composite(body);
        if (r.Method == "PATCH" && r.Path == $"{Data}/composite/sobjects")
            return Collection(body);
        var (status, answer, apply) = Sub(r.Method, r.Path, body);
        apply?.Invoke();
        return new FakeResponse(status, answer?.ToJsonString() ?? "");
    }

    private FakeResponse Composite(JsonObject body)
    {
        if (body["compositeRequest"] is not JsonArray subs || subs.Count is 0 or > 25 || body["allOrNone"] is not JsonValue)
            return Problem(400, "composite shape", """[{"errorCode":"INVALID_FIELD","message":"compositeRequest"}]""");
        var results = new List<(int Status, JsonNode? Body, Action? Apply, string Ref)>();
        foreach (var sub in subs)
        {
            if (sub?["url"] is not JsonValue url || sub["method"] is not JsonValue method || sub["referenceId"] is not JsonValue reference || sub["body"] is not JsonObject subBody)
                return Problem(400, "subrequest shape", """[{"errorCode":"INVALID_FIELD","message":"subrequest"}]""");
            var (status, answer, apply) = Sub((string)method!, (string)url!, (JsonObject)subBody.DeepClone());
            results.Add((status, answer, apply, (string)reference!));
        }
        var failed = results.Any(x => x.Status >= 300);
        var response = new JsonArray();
        foreach (var (status, answer, apply, reference) in results)
        {
            if (!failed)
                apply?.Invoke();
            var halted = failed && status < 300;
            response.Add(new JsonObject
            {
                ["body"] = halted ? JsonNode.Parse("""[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}]""") : answer?.DeepClone(),
                ["httpHeaders"] = new JsonObject(),
                ["httpStatusCode"] = halted ? 400 : status,
                ["referenceId"] = reference,
            });
        }
        return new FakeResponse(200, new JsonObject { ["compositeResponse"] = response }.ToJsonString());
    }

    private FakeResponse Token(FakeRequest r)
    {
        var form = new FakeRequest(r.Method, r.Path, "?" + r.Body, r.Headers, "");
        if (r.Method != "POST" || _app is not { } app || r.Query.Length > 0)
            return Problem(400, "token request", """{"error":"invalid_request","error_description":"POST a form"}""");
        var ok = form.QueryValue("grant_type") switch
        {
            "client_credentials" => form.QueryValue("client_id") == app.ClientId && form.QueryValue("client_secret") == app.Secret && app.Secret is not null,
            "urn:ietf:params:oauth:grant-type:jwt-bearer" => ValidAssertion(form.QueryValue("assertion"), app),
            _ => false,
        };
        if (!ok)
            return new FakeResponse(400, """{"error":"invalid_grant","error_description":"authentication failure"}""");
        var issued = $"00Dfake!{Interlocked.Increment(ref _tokens)}{Guid.NewGuid():N}";
        _accepted = issued;
        return new FakeResponse(200, new JsonObject
        {
            ["access_token"] = issued, ["instance_url"] = BaseUrl, ["id"] = $"{BaseUrl}/id/00D/005", ["token_type"] = "Bearer",
            ["issued_at"] = "1700000000000", ["signature"] = "sig",
        }.ToJsonString());
    }

    /// <summary>RS256 over header.claims with the app's key; iss = client id, sub = user, aud = this server, exp in the future.</summary>
    private bool ValidAssertion(string? jwt, (string ClientId, string? Secret, string? Username, System.Security.Cryptography.RSA? Key) app)
    {
        var parts = jwt?.Split('.');
        if (parts is not { Length: 3 } || app.Key is null)
            return false;
        static byte[] Decode(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
        var signed = System.Text.Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (!app.Key.VerifyData(signed, Decode(parts[2]), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1))
            return false;
        var header = JsonNode.Parse(Decode(parts[0]));
        var claims = JsonNode.Parse(Decode(parts[1]));
        return (string?)header?["alg"] == "RS256" && (string?)claims?["iss"] == app.ClientId && (string?)claims?["sub"] == app.Username
            && (string?)claims?["aud"] == BaseUrl && (long?)claims?["exp"] > DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    /// <summary>PATCH /composite/sobjects: up to 200 records, allOrNone false, one SaveResult per record in order.</summary>
    private FakeResponse Collection(JsonObject body)
    {
        if (body["records"] is not JsonArray records || records.Count is 0 or > 200 || (bool?)body["allOrNone"] != false)
            return Problem(400, "collection shape", """[{"errorCode":"INVALID_FIELD","message":"records"}]""");
        var saves = new JsonArray();
        foreach (var record in records)
        {
            var type = (string?)record?["attributes"]?["type"];
            var id = (string?)record?["id"];
            if (type is not ("Account" or "Lead") || id is null)
                return Problem(400, "record shape", """[{"errorCode":"INVALID_FIELD","message":"attributes.type and id"}]""");
            if (DeletedIds.Contains(id))
            {
                saves.Add(new JsonObject { ["id"] = id, ["success"] = false, ["errors"] = JsonNode.Parse("""[{"statusCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]""") });
                continue;
            }
            var fields = new JsonObject();
            foreach (var (k, v) in record!.AsObject())
            {
                if (k is not ("attributes" or "id"))
                    fields[k] = v?.DeepClone();
            }
            Updates[$"{type}/{id}"] = fields;
            saves.Add(new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray() });
        }
        return new FakeResponse(200, saves.ToJsonString());
    }

    private (int Status, JsonNode? Body, Action? Apply) Sub(string method, string path, JsonObject body)
    {
        var prefix = $"{Data}/sobjects/";
        if (method != "PATCH" || !path.StartsWith(prefix, StringComparison.Ordinal))
            return Fail(404, $"{method} {path}", "NOT_FOUND");
        var parts = path[prefix.Length..].Split('/');
        if (parts is ["Task", "Pql_Action_Key__c", var key])
        {
            if (body.ContainsKey("Pql_Action_Key__c") || body["Subject"] is null || body["Status"] is null
                || (body["WhatId"] is null && body["WhoId"] is null) || body["ActivityDate"] is not JsonValue date
                || !DateOnly.TryParseExact((string)date!, "yyyy-MM-dd", out _))
                return Fail(400, "bad task fields", "INVALID_FIELD");
            var exists = Tasks.ContainsKey(key);
            return (exists ? 200 : 201, JsonNode.Parse($$$"""{"id":"00T{{{key}}}","success":true,"errors":[],"created":{{{(exists ? "false" : "true")}}}}"""),
                () => Tasks.TryAdd(key, body));
        }
        if (parts is ["Account" or "Lead", var id])
        {
            if (body.Any(p => !p.Key.EndsWith("__c", StringComparison.Ordinal)))
                return Fail(400, "non-custom field", "INVALID_FIELD_FOR_INSERT_UPDATE");
            return (204, null, () => Updates[$"{parts[0]}/{id}"] = body);
        }
        return Fail(404, path, "NOT_FOUND");
    }

    private (int, JsonNode?, Action?) Fail(int status, string problem, string code)
    {
        lock (Problems)
            Problems.Add(problem);
        return (status, JsonNode.Parse($$"""[{"errorCode":"{{code}}","message":"{{problem}}"}]"""), null);
    }
}
