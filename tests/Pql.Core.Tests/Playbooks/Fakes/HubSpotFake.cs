using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>HubSpot CRM v3 batch update (string property values) and list membership add (array of ids), Bearer auth.</summary>
internal sealed class HubSpotFake(string token) : FakeApi
{
    public ConcurrentDictionary<string, JsonObject> Properties { get; } = new();
    public ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> Lists { get; } = new();

    protected override FakeResponse Unauthorized() =>
        new(401, """{"status":"error","message":"Authentication credentials not found.","correlationId":"c0","category":"INVALID_AUTHENTICATION"}""");

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (r.Header("Authorization") != $"Bearer {token}")
            return Unauthorized();
        if (!JsonContentType(r))
            return Problem(415, "content type", """{"status":"error","message":"Unsupported media type","category":"VALIDATION_ERROR"}""");
        var body = ParseBody(r);
        if (r.Method == "POST" && r.Path is "/crm/v3/objects/companies/batch/update" or "/crm/v3/objects/contacts/batch/update")
        {
            if (body?["inputs"] is not JsonArray inputs || inputs.Count is 0 or > 100)
                return Problem(400, "inputs", """{"status":"error","message":"Invalid input JSON","category":"VALIDATION_ERROR"}""");
            var results = new JsonArray();
            foreach (var input in inputs)
            {
                if (input?["id"] is not JsonValue id || input["properties"] is not JsonObject props
                    || props.Any(p => p.Value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String))
                    return Problem(400, "input shape", """{"status":"error","message":"Property values must be strings","category":"VALIDATION_ERROR"}""");
                Properties[(string)id!] = (JsonObject)props.DeepClone();
                results.Add(new JsonObject { ["id"] = (string)id!, ["properties"] = props.DeepClone(), ["updatedAt"] = "2026-11-22T00:00:00Z" });
            }
            return new FakeResponse(200, new JsonObject { ["status"] = "COMPLETE", ["results"] = results, ["completedAt"] = "2026-11-22T00:00:00Z" }.ToJsonString());
        }
        var parts = r.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (r.Method == "PUT" && parts is ["crm", "lists", "2026-03", var listId, "memberships", "add"])
        {
            if (body is not JsonArray ids || ids.Any(i => i is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String))
                return Problem(400, "list body", """{"status":"error","message":"Expected an array of record ids","category":"VALIDATION_ERROR"}""");
            var members = Lists.GetOrAdd(listId, _ => new());
            var added = new JsonArray();
            foreach (var id in ids)
            {
                if (members.TryAdd((string)id!, 0))
                    added.Add((string)id!);
            }
            return new FakeResponse(200, new JsonObject { ["recordIdsAdded"] = added, ["recordIdsMissing"] = new JsonArray() }.ToJsonString());
        }
        return Problem(404, $"{r.Method} {r.Path}", """{"status":"error","message":"Not found","category":"OBJECT_NOT_FOUND"}""");
    }
}
