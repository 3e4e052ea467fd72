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

    public ConcurrentDictionary<string, JsonObject> Tasks { get; } = new();
    public ConcurrentDictionary<string, JsonObject> Updates { get; } = new();
    public bool RequestLimitExceeded { get; set; }

    protected override FakeResponse Unauthorized() =>
        new(401, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""");

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (r.Header("Authorization") != $"Bearer {token}")
            return Unauthorized();
        if (RequestLimitExceeded)
            return new FakeResponse(403, """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""");
        if (!JsonContentType(r) || ParseBody(r) is not JsonObject body)
            return Problem(400, "body is not JSON", """[{"errorCode":"JSON_PARSER_ERROR","message":"bad json"}]""");
        if (r.Method == "POST" && r.Path == $"{Data}/composite")
            return Composite(body);
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
