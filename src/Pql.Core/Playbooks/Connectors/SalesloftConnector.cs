namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Salesloft v2 (Bearer): <c>POST /v2/cadence_memberships?person_id=..&amp;cadence_id=..[&amp;user_id=..]</c> adds a person
/// to a cadence. A 422 saying the person is already on the cadence means an earlier attempt got through: delivered.
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
        if (Setting("user_id", p) is { } user)
            query += $"&user_id={Uri.EscapeDataString(user)}";
        using var request = Request(HttpMethod.Post, $"{baseUrl}/cadence_memberships?{query}", RequireSetting("token"));
        request.Headers.Accept.ParseAdd("application/json");
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)answer.Status == 422 && answer.Body.Contains("already", StringComparison.OrdinalIgnoreCase))
            return DeliveryResult.Ok($"cadence membership: person {person} already on cadence {cadence}");
        return Classify(answer, "cadence membership create");
    }
}
