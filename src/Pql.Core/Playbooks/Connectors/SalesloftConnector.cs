using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Salesloft v2 (Bearer): <c>POST /v2/cadence_memberships?person_id=&amp;cadence_id=[&amp;user_id=]</c>. A 422 is checked with a
/// lookup (<c>GET /v2/cadence_memberships?person_id=&amp;cadence_id=</c>): a membership that is currently on the cadence means an
/// earlier attempt got through (delivered); none means the 422 stands (rejected).
/// </summary>
public sealed class SalesloftConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var baseUrl = (Setting("base_url", p, "https://api.salesloft.com/v2") ?? "").TrimEnd('/');
        var attribute = Setting("person_attribute", p, "salesloft_person_id")!;
        var person = p.Attribute(attribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{attribute}' attribute (the Salesloft person id)");
        var cadence = RequireSetting("cadence_id", p);
        var query = $"person_id={Uri.EscapeDataString(person)}&cadence_id={Uri.EscapeDataString(cadence)}";
        var create = Setting("user_id", p) is { } user ? $"{query}&user_id={Uri.EscapeDataString(user)}" : query;
        var answer = await SendBearerAsync(HttpMethod.Post, () => $"{baseUrl}/cadence_memberships?{create}", null, cancellationToken, accept: "application/json").ConfigureAwait(false);
        if ((int)answer.Status != 422)
            return Classify(answer, "cadence membership create");
        var lookup = await SendBearerAsync(HttpMethod.Get, () => $"{baseUrl}/cadence_memberships?{query}", null, cancellationToken, accept: "application/json").ConfigureAwait(false);
        if ((int)lookup.Status != 200)
            return LookupFailed(lookup, "cadence membership lookup");
        var data = JsonNode.Parse(lookup.Body)?["data"] as JsonArray ?? throw new System.Text.Json.JsonException("cadence membership lookup: no data array");
        return data.Any(m => (bool?)m?["currently_on_cadence"] == true)
            ? DeliveryResult.Ok($"cadence membership: person {person} already on cadence {cadence}")
            : Classify(answer, "cadence membership create");
    }
}
