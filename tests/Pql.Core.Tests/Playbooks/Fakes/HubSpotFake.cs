using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>
/// HubSpot CRM (date-versioned 2026-03 paths) batch update (string property values, at most 100 inputs, 207 with
/// <c>errors[].context.ids</c> for unknown records) and list membership add (array of ids; unknown ids answered 200 in
/// <c>recordIdsMissing</c>), Bearer auth; <see cref="DailyLimitReached"/> answers 429 with <c>policyName: DAILY</c>.
/// </summary>
internal sealed class HubSpotFake(string token) : FakeApi
{
    /// <summary>Record ids HubSpot does not have.</summary>
    public ConcurrentDictionary<string, byte> UnknownIds { get; } = new();
    public bool DailyLimitReached { get; set; }

    /// <summary>When set, <c>POST /oauth/v1/token</c> issues the tokens the API accepts instead of the static one.</summary>
    public FakeRefreshGrant? OAuth { get; set; }

    public ConcurrentDictionary<string, JsonObject> Properties { get; } = new();
    public ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> Lists { get; } = new();

    protected override FakeResponse Unauthorized() =>
        new(401, """{"status":"error","message":"Authentication credentials not found.","correlationId":"c0","category":"INVALID_AUTHENTICATION"}""");

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (OAuth is not null && r.Path == "/oauth/v1/token")
            return OAuth.Answer(r);
        if (r.Header("Authorization") != $"Bearer {(OAuth is null ? token : OAuth.Current)}")
            return Unauthorized();
        if (DailyLimitReached)
            return new FakeResponse(429, """{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c1","policyName":"DAILY","groupName":"daily"}""");
        if (r.Header("Content-Type") is not { } type || !type.Contains("charset=utf-8", StringComparison.OrdinalIgnoreCase))
            Problem(200, "no charset", "");
        if (!JsonContentType(r))
            return Problem(415, "content type", """{"status":"error","message":"Unsupported media type","category":"VALIDATION_ERROR"}""");
        var body = ParseBody(r);
        if (r.Method == "POST" && r.Path is "/crm/objects/2026-03/companies/batch/update" or "/crm/objects/2026-03/contacts/batch/update")
        {
            if (body?["inputs"] is not JsonArray inputs || inputs.Count is 0 or > 100)
                return Problem(400, "inputs", """{"status":"error","message":"Invalid input JSON","category":"VALIDATION_ERROR"}""");
            var results = new JsonArray();
            var missing = new JsonArray();
            var seen = new HashSet<string>();
            foreach (var input in inputs)
            {
                if (input?["id"] is JsonValue idValue && !seen.Add((string)idValue!))
                    return Problem(400, "duplicate id", """{"status":"error","message":"Duplicate IDs found in batch input","category":"VALIDATION_ERROR"}""");
                if (input?["id"] is JsonValue unknown && UnknownIds.ContainsKey((string)unknown!))
                {
                    missing.Add((string)unknown!);
                    continue;
                }
                if (input?["id"] is not JsonValue id || input["properties"] is not JsonObject props
                    || props.Any(p => p.Value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String))
                    return Problem(400, "input shape", """{"status":"error","message":"Property values must be strings","category":"VALIDATION_ERROR"}""");
                Properties[(string)id!] = (JsonObject)props.DeepClone();
                results.Add(new JsonObject { ["id"] = (string)id!, ["properties"] = props.DeepClone(), ["updatedAt"] = "2026-11-22T00:00:00Z" });
            }
            var answer = new JsonObject { ["status"] = "COMPLETE", ["results"] = results, ["completedAt"] = "2026-11-22T00:00:00Z" };
            if (missing.Count == 0)
                return new FakeResponse(200, answer.ToJsonString());
            answer["numErrors"] = 1;
            answer["errors"] = new JsonArray(new JsonObject { ["status"] = "error", ["category"] = "OBJECT_NOT_FOUND", ["message"] = "Could not get some records", ["context"] = new JsonObject { ["ids"] = missing } });
            return new FakeResponse(207, answer.ToJsonString());
        }
        var parts = r.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (r.Method == "PUT" && parts is ["crm", "lists", "2026-03", var listId, "memberships", "add"])
        {
            if (body is not JsonArray ids || ids.Any(i => i is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String))
                return Problem(400, "list body", """{"status":"error","message":"Expected an array of record ids","category":"VALIDATION_ERROR"}""");
            var members = Lists.GetOrAdd(listId, _ => new());
            var added = new JsonArray();
            var absent = new JsonArray();
            foreach (var id in ids)
            {
                if (UnknownIds.ContainsKey((string)id!))
                    absent.Add((string)id!);
                else if (members.TryAdd((string)id!, 0))
                    added.Add((string)id!);
            }
            return new FakeResponse(200, new JsonObject { ["recordIdsAdded"] = added, ["recordIdsMissing"] = absent }.ToJsonString());
        }
        return Problem(404, $"{r.Method} {r.Path}", """{"status":"error","message":"Not found","category":"OBJECT_NOT_FOUND"}""");
    }
}
