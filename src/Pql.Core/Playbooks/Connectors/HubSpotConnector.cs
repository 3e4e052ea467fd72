using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// HubSpot (private-app Bearer token). <c>update_properties</c>: <c>POST /crm/v3/objects/{companies|contacts}/batch/update</c>
/// with <c>{"inputs":[{"id","properties"}]}</c> (idempotent: setting the same values twice changes nothing).
/// <c>add_to_list</c>: <c>PUT /crm/lists/{version}/{listId}/memberships/add</c> with <c>["id"]</c> (existing members are ignored).
/// </summary>
public sealed class HubSpotConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var baseUrl = (Setting("base_url", p, "https://api.hubapi.com") ?? "").TrimEnd('/');
        var token = RequireSetting("token");
        var obj = Setting("object", p, "companies")!;
        if (obj is not ("companies" or "contacts"))
            throw new RejectedException($"object '{obj}' is not companies or contacts");
        var idAttribute = Setting("id_attribute", p, "hubspot_id")!;
        var recordId = p.Attribute(idAttribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{idAttribute}' attribute (the HubSpot record id)");

        HttpRequestMessage request;
        string what;
        if (p.Action.Action == "add_to_list")
        {
            var listId = RequireSetting("list_id", p);
            what = $"list {listId} add";
            request = Request(HttpMethod.Put, $"{baseUrl}/crm/lists/{Setting("lists_api_version", p, "2026-03")}/{Uri.EscapeDataString(listId)}/memberships/add", token);
            request.Content = Json(new JsonArray(recordId).ToJsonString());
        }
        else
        {
            what = $"{obj} batch update";
            request = Request(HttpMethod.Post, $"{baseUrl}/crm/v3/objects/{obj}/batch/update", token);
            var properties = new JsonObject
            {
                [Setting("score_property", p, "pql_score")!] = p.ScoreText,
                [Setting("tier_property", p, "pql_tier")!] = p.Tier,
            };
            request.Content = Json(new JsonObject { ["inputs"] = new JsonArray(new JsonObject { ["id"] = recordId, ["properties"] = properties }) }.ToJsonString());
        }
        using (request)
        {
            var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
            if ((int)answer.Status == 207)
                return new DeliveryResult(DeliveryOutcome.Rejected, $"{what}: HTTP 207 mixed results: {answer.Body}");
            return Classify(answer, what);
        }
    }
}
