using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>Eloqua: GET /id (base URL discovery; wrong credentials get HTTP 200 <c>"Not authenticated."</c>, as Eloqua answers) and PUT /api/REST/1.0/data/contact/{id} with Basic base64("Site\User:Password").</summary>
internal sealed class EloquaFake(string site, string user, string password) : FakeApi
{
    public ConcurrentDictionary<string, JsonObject> Contacts { get; } = new();

    protected override FakeResponse Unauthorized() => new(401, "", "text/plain");

    protected override FakeResponse Handle(FakeRequest r)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{site}\\{user}:{password}"));
        if (r.Header("Authorization") != expected)
            return r.Path == "/id" ? new FakeResponse(200, "\"Not authenticated.\"") : Unauthorized();   // Eloqua's /id says so in a 200
        if (r.Method == "GET" && r.Path == "/id")
            return new FakeResponse(200, new JsonObject { ["site"] = new JsonObject { ["id"] = 42, ["name"] = site }, ["user"] = new JsonObject { ["id"] = 7, ["username"] = user }, ["urls"] = new JsonObject { ["base"] = BaseUrl, ["apis"] = new JsonObject() } }.ToJsonString());
        const string prefix = "/api/REST/1.0/data/contact/";
        if (!r.Path.StartsWith(prefix, StringComparison.Ordinal))
            return Problem(404, $"{r.Method} {r.Path}", "");
        var id = r.Path[prefix.Length..];
        var stored = Contacts.GetOrAdd(id, key => new JsonObject
        {
            ["type"] = "Contact", ["id"] = key, ["emailAddress"] = $"c{key}@acme.test", ["firstName"] = "Ada",
            ["fieldValues"] = new JsonArray(new JsonObject { ["type"] = "FieldValue", ["id"] = "200", ["value"] = "keep me" }),
        });
        if (r.Method == "GET")
            return r.QueryValue("depth") == "complete" ? new FakeResponse(200, stored.ToJsonString()) : Problem(400, "depth", "");
        if (r.Method != "PUT")
            return Problem(405, r.Method, "");
        var body = ParseBody(r) as JsonObject;
        if (!JsonContentType(r) || body is null || (string?)body["id"] != id || body["fieldValues"] is not JsonArray fields
            || fields.Any(f => (string?)f?["type"] != "FieldValue" || f["id"] is null || f["value"] is null))
            return Problem(400, "contact body", """[{"type":"ObjectValidationError","property":"fieldValues","requirement":{"type":"FieldValue"}}]""");
        // A PUT replaces the record: a field the caller left out would be blanked, which the fake reports.
        foreach (var (name, _) in stored)
        {
            if (!body.ContainsKey(name))
                Problem(200, $"PUT would blank {name}", "");
        }
        foreach (var old in (JsonArray)stored["fieldValues"]!)
        {
            if (!fields.Any(f => (string?)f!["id"] == (string?)old!["id"]))
                Problem(200, $"PUT would blank field {(string?)old!["id"]}", "");
        }
        Contacts[id] = body;
        return new FakeResponse(200, body.ToJsonString());
    }
}
