using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Oracle Eloqua REST 1.0 with Basic auth <c>base64("Site\User:Password")</c>. The pod's base URL is discovered once with
/// <c>GET {login}/id</c> (urls.base) unless <c>base_url</c> is set; its 200 <c>"Not authenticated."</c> answer is a credentials failure. A contact PUT replaces the record (omitted fields may be
/// blanked), so the contact is read (<c>GET .../data/contact/{id}?depth=complete</c>) and put back whole
/// (<c>PUT {base}/api/REST/1.0/data/contact/{id}</c>) with the score (and tier) <c>fieldValues</c> set. Idempotent.
/// </summary>
public sealed class EloquaConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    private string? _base;

    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var credential = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RequireSetting("site")}\\{RequireSetting("user")}:{RequireSetting("password")}"));
        Context.Secrets.Remember(credential);
        var baseUrl = Setting("base_url", p) ?? _base;
        if (baseUrl is null)
        {
            using var who = new HttpRequestMessage(HttpMethod.Get, $"{(Setting("login_url", p, "https://login.eloqua.com") ?? "").TrimEnd('/')}/id");
            who.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential);
            var id = await SendRequestAsync(who, cancellationToken).ConfigureAwait(false);
            if ((int)id.Status != 200)
                return Classify(id, "login id");
            // A wrong password is not a 401 here: Eloqua answers 200 with the body "Not authenticated." (a JSON string).
            if (id.Body.Contains("Not authenticated", StringComparison.OrdinalIgnoreCase) || JsonNode.Parse(id.Body) is not JsonObject signedIn || (string?)signedIn["urls"]?["base"] is not { Length: > 0 } discovered)
                return new DeliveryResult(DeliveryOutcome.AuthFailed, $"login id: HTTP 200 but not signed in ({id.Snippet}): check site, user and password");
            baseUrl = _base = discovered;
        }
        var contactAttribute = Setting("contact_attribute", p, "eloqua_contact_id")!;
        var contact = p.Attribute(contactAttribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{contactAttribute}' attribute (the Eloqua contact id)");
        var contactUrl = $"{baseUrl.TrimEnd('/')}/api/REST/1.0/data/contact/{Uri.EscapeDataString(contact)}";

        // A PUT replaces the contact: read it in full first and send it back with only our fields changed,
        // so no other field is blanked.
        using var read = new HttpRequestMessage(HttpMethod.Get, contactUrl + "?depth=complete");
        read.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential);
        var current = await SendRequestAsync(read, cancellationToken).ConfigureAwait(false);
        if ((int)current.Status != 200)
            return Classify(current, "contact read");
        var body = JsonNode.Parse(current.Body) as JsonObject ?? throw new System.Text.Json.JsonException("the contact is not a JSON object");
        var fields = body["fieldValues"] as JsonArray ?? [];
        body["fieldValues"] = fields;
        SetField(fields, RequireSetting("score_field_id", p), p.ScoreText);
        if (Setting("tier_field_id", p) is { } tierField)
            SetField(fields, tierField, p.Tier);
        using var request = new HttpRequestMessage(HttpMethod.Put, contactUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential);
        request.Content = Json(body.ToJsonString());
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        return Classify(answer, "contact update");
    }

    private static void SetField(JsonArray fields, string id, string value)
    {
        foreach (var f in fields)
        {
            if (f is JsonObject o && (string?)o["id"] == id)
            {
                o["value"] = value;
                return;
            }
        }
        fields.Add(new JsonObject { ["type"] = "FieldValue", ["id"] = id, ["value"] = value });
    }
}
