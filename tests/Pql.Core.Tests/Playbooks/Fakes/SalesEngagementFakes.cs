using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>Outreach v2 JSON:API: POST /api/v2/sequenceStates needs application/vnd.api+json (else 415) and all three relationships.</summary>
internal sealed class OutreachFake(string token) : FakeApi
{
    public ConcurrentDictionary<(long Prospect, long Sequence), long> States { get; } = new();

    /// <summary>When set, <c>POST /oauth/token</c> issues the tokens the API accepts instead of the static one.</summary>
    public FakeRefreshGrant? OAuth { get; set; }

    /// <summary>When set, API calls answer 429 with <c>X-RateLimit-Reset</c> at this time (Unix seconds), the hourly limit used up.</summary>
    public DateTimeOffset? HourlyLimitResetsAt { get; set; }

    protected override FakeResponse Unauthorized() =>
        new(401, """{"errors":[{"id":"unauthorized","title":"Unauthorized","detail":"Invalid access token"}]}""");

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (OAuth is not null && r.Path == "/oauth/token")
            return OAuth.Answer(r);
        if (r.Header("Authorization") != $"Bearer {(OAuth is null ? token : OAuth.Current)}")
            return Unauthorized();
        if (HourlyLimitResetsAt is { } reset)
            return new FakeResponse(429, """{"errors":[{"id":"rateLimitExceeded","title":"Rate Limit Exceeded","detail":"You have exceeded your permitted rate limit of 10000; please try again at a later time."}]}""",
                "application/vnd.api+json", Headers: new Dictionary<string, string>
                {
                    ["X-RateLimit-Limit"] = "10000",
                    ["X-RateLimit-Remaining"] = "0",
                    ["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
        if (r.Method == "GET" && r.Path == "/api/v2/sequenceStates")
        {
            var p = long.TryParse(r.QueryValue("filter[prospect][id]"), out var pv) ? pv : -1;
            var s = long.TryParse(r.QueryValue("filter[sequence][id]"), out var sv) ? sv : -1;
            if (p < 0 || s < 0)
                return Problem(400, "lookup filters", """{"errors":[{"id":"badRequest","title":"Bad Request"}]}""");
            var found = States.TryGetValue((p, s), out var stateId)
                ? new JsonArray(new JsonObject { ["type"] = "sequenceState", ["id"] = stateId, ["attributes"] = new JsonObject { ["state"] = "active" } })
                : new JsonArray();
            return new FakeResponse(200, new JsonObject { ["data"] = found }.ToJsonString(), "application/vnd.api+json");
        }
        if (r.Method != "POST" || r.Path != "/api/v2/sequenceStates")
            return Problem(404, $"{r.Method} {r.Path}", """{"errors":[{"id":"notFound","title":"Not Found"}]}""");
        if (!JsonContentType(r, "application/vnd.api+json"))
            return Problem(415, "content type", """{"errors":[{"id":"unsupportedMediaType","title":"Unsupported Media Type"}]}""");
        var data = ParseBody(r)?["data"];
        var rel = data?["relationships"];
        long? Id(string name, string type) =>
            rel?[name]?["data"] is JsonObject o && (string?)o["type"] == type && o["id"] is JsonValue v && v.TryGetValue<long>(out var id) ? id : null;
        var (prospect, sequence, mailbox) = (Id("prospect", "prospect"), Id("sequence", "sequence"), Id("mailbox", "mailbox"));
        if ((string?)data?["type"] != "sequenceState" || prospect is null || sequence is null || mailbox is null)
            return Problem(422, "relationships", """{"errors":[{"id":"validationError","title":"Validation Error","detail":"prospect, sequence and mailbox are required"}]}""");
        var id = States.Count + 1L;
        if (!States.TryAdd((prospect.Value, sequence.Value), id))
            return new FakeResponse(422, """{"errors":[{"id":"validationError","title":"Validation Error","detail":"Prospect already exists in this sequence"}]}""", "application/vnd.api+json");
        return new FakeResponse(201, new JsonObject { ["data"] = new JsonObject { ["type"] = "sequenceState", ["id"] = id, ["attributes"] = new JsonObject { ["state"] = "active" } } }.ToJsonString(), "application/vnd.api+json");
    }
}

/// <summary>Salesloft v2: POST /v2/cadence_memberships with person_id and cadence_id query parameters, Bearer auth.</summary>
internal sealed class SalesloftFake(string token) : FakeApi
{
    public ConcurrentDictionary<(string Person, string Cadence), int> Memberships { get; } = new();

    protected override FakeResponse Unauthorized() => new(401, """{"error":"Not authorized"}""");

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (r.Header("Authorization") != $"Bearer {token}")
            return Unauthorized();
        if (r.Method == "GET" && r.Path == "/v2/cadence_memberships")
        {
            var data = new JsonArray();
            foreach (var ((p, c), id) in Memberships)
            {
                if (p == r.QueryValue("person_id") && c == r.QueryValue("cadence_id"))
                    data.Add(new JsonObject { ["id"] = id, ["currently_on_cadence"] = true });
            }
            return new FakeResponse(200, new JsonObject { ["data"] = data }.ToJsonString());
        }
        if (r.Method != "POST" || r.Path != "/v2/cadence_memberships")
            return Problem(404, $"{r.Method} {r.Path}", """{"error":"Not Found"}""");
        var person = r.QueryValue("person_id");
        var cadence = r.QueryValue("cadence_id");
        if (string.IsNullOrEmpty(person) || string.IsNullOrEmpty(cadence))
            return Problem(422, "params", """{"errors":{"person_id":["can't be blank"]}}""");
        if (!Memberships.TryAdd((person, cadence), Memberships.Count + 1))
            return new FakeResponse(422, """{"errors":{"person":["is already on this cadence"]}}""");
        return new FakeResponse(200, new JsonObject { ["data"] = new JsonObject { ["id"] = Memberships.Count, ["currently_on_cadence"] = true, ["person"] = new JsonObject { ["id"] = person }, ["cadence"] = new JsonObject { ["id"] = cadence } } }.ToJsonString());
    }
}
