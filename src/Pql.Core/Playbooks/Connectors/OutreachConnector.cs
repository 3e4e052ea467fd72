using System.Globalization;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Outreach v2 (JSON:API, Bearer): <c>POST /sequenceStates</c> with <c>Content-Type: application/vnd.api+json</c> and the
/// prospect, sequence and mailbox relationships (all three required). A 422 saying the prospect is already in the sequence
/// means an earlier attempt got through: treated as delivered, so a replay does not double-enrol.
/// </summary>
public sealed class OutreachConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal const string JsonApi = "application/vnd.api+json";

    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var baseUrl = (Setting("base_url", p, "https://api.outreach.io/api/v2") ?? "").TrimEnd('/');
        var attribute = Setting("prospect_attribute", p, "outreach_prospect_id")!;
        var prospect = Id(p.Attribute(attribute), $"entity {p.EntityId} attribute '{attribute}' (the Outreach prospect id)");
        var sequence = Id(RequireSetting("sequence_id", p), "setting 'sequence_id'");
        var mailbox = Id(RequireSetting("mailbox_id", p), "setting 'mailbox_id'");
        var body = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["type"] = "sequenceState",
                ["relationships"] = new JsonObject
                {
                    ["prospect"] = Ref("prospect", prospect),
                    ["sequence"] = Ref("sequence", sequence),
                    ["mailbox"] = Ref("mailbox", mailbox),
                },
            },
        };
        using var request = Request(HttpMethod.Post, $"{baseUrl}/sequenceStates", RequireSetting("token"));
        request.Headers.Accept.ParseAdd(JsonApi);
        request.Content = Json(body.ToJsonString(), JsonApi);
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)answer.Status == 422 && answer.Body.Contains("already", StringComparison.OrdinalIgnoreCase))
            return DeliveryResult.Ok($"sequenceState: prospect {prospect} already in sequence {sequence}");
        return Classify(answer, "sequenceState create");
    }

    private static long Id(string? text, string what) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new RejectedException($"{what} is missing or not a numeric id");

    private static JsonObject Ref(string type, long id) => new() { ["data"] = new JsonObject { ["type"] = type, ["id"] = id } };
}
