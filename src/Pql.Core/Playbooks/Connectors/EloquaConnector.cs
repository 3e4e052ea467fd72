using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Oracle Eloqua REST 1.0 with Basic auth <c>base64("Site\User:Password")</c>. The pod's base URL is discovered once with
/// <c>GET {login}/id</c> (urls.base) unless <c>base_url</c> is set; then <c>PUT {base}/api/REST/1.0/data/contact/{id}</c>
/// with the score (and tier) as <c>fieldValues</c>. A PUT of the same values is idempotent.
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
            baseUrl = _base = (string?)JsonNode.Parse(id.Body)?["urls"]?["base"] ?? throw new RejectedException("login id: the answer held no urls.base");
        }
        var contactAttribute = Setting("contact_attribute", p, "eloqua_contact_id")!;
        var contact = p.Attribute(contactAttribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{contactAttribute}' attribute (the Eloqua contact id)");
        var fields = new JsonArray(new JsonObject { ["type"] = "FieldValue", ["id"] = RequireSetting("score_field_id", p), ["value"] = p.ScoreText });
        if (Setting("tier_field_id", p) is { } tierField)
            fields.Add(new JsonObject { ["type"] = "FieldValue", ["id"] = tierField, ["value"] = p.Tier });
        var body = new JsonObject { ["type"] = "Contact", ["id"] = contact };
        if (p.Attribute(Setting("email_attribute", p, "email")!) is { } email)
            body["emailAddress"] = email;
        body["fieldValues"] = fields;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{baseUrl.TrimEnd('/')}/api/REST/1.0/data/contact/{Uri.EscapeDataString(contact)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential);
        request.Content = Json(body.ToJsonString());
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        return Classify(answer, "contact update");
    }
}
