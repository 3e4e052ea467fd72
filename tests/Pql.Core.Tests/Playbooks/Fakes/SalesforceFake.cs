using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>Salesforce REST: Task upsert by external id (201 new / 200 existing) and sObject PATCH (204), Bearer auth.</summary>
internal sealed class SalesforceFake(string token) : FakeApi
{
    private const string Prefix = "/services/data/v60.0/sobjects/";

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
        if (r.Method != "PATCH" || !r.Path.StartsWith(Prefix, StringComparison.Ordinal))
            return Problem(404, $"{r.Method} {r.Path}", """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""");
        if (!JsonContentType(r) || ParseBody(r) is not JsonObject body)
            return Problem(400, "body is not JSON", """[{"errorCode":"JSON_PARSER_ERROR","message":"bad json"}]""");
        var parts = r.Path[Prefix.Length..].Split('/');
        if (parts is ["Task", "Pql_Action_Key__c", var key])
        {
            if (body.ContainsKey("Pql_Action_Key__c") || body["Subject"] is null || body["Status"] is null
                || (body["WhatId"] is null && body["WhoId"] is null) || body["ActivityDate"] is not JsonValue date
                || !DateOnly.TryParseExact((string)date!, "yyyy-MM-dd", out _))
                return Problem(400, "bad task fields", """[{"errorCode":"INVALID_FIELD","message":"bad task"}]""");
            var created = Tasks.TryAdd(key, body);
            return created
                ? new FakeResponse(201, $$"""{"id":"00T{{Tasks.Count:D12}}","success":true,"errors":[],"created":true}""")
                : new FakeResponse(200, """{"id":"00T000000000001","success":true,"errors":[],"created":false}""");
        }
        if (parts is ["Account" or "Lead", var id])
        {
            if (body.Any(p => !p.Key.EndsWith("__c", StringComparison.Ordinal)))
                return Problem(400, "non-custom field", """[{"errorCode":"INVALID_FIELD_FOR_INSERT_UPDATE","message":"bad field"}]""");
            Updates[$"{parts[0]}/{id}"] = body;
            return new FakeResponse(204);
        }
        return Problem(404, r.Path, """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""");
    }
}
