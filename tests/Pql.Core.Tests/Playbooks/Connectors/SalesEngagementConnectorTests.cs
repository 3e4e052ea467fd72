using Pql.Core.Playbooks.Connectors;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks.Connectors;

public sealed class SalesEngagementConnectorTests : IDisposable
{
    private readonly OutreachFake _outreach = new("or-token");
    private readonly SalesloftFake _salesloft = new("sl-token");
    private readonly SecretResolver _secrets = Some.Secrets(("OR_TOKEN", "or-token"), ("SL_TOKEN", "sl-token"));

    public void Dispose()
    {
        _outreach.Dispose();
        _salesloft.Dispose();
    }

    private static string Payload() =>
        Some.Payload("k1", new Dictionary<string, string> { ["outreach_prospect_id"] = "456", ["salesloft_person_id"] = "9001" });

    [Fact]
    public async Task Outreach_creates_a_sequence_state_as_json_api_and_a_replay_is_not_a_second_enrolment()
    {
        var connector = new OutreachConnector(Some.Connector("outreach", ("base_url", _outreach.BaseUrl + "/api/v2"), ("token", "${OR_TOKEN}"),
            ("sequence_id", "123"), ("mailbox_id", "789")), Some.Context(_secrets));
        var action = Some.Action("outreach", "add_to_sequence", Payload());

        var first = await connector.SendAsync(action, default);
        var replay = await connector.SendAsync(action, default);

        Assert.Equal(DeliveryOutcome.Delivered, first.Outcome);
        Assert.Equal(DeliveryOutcome.Delivered, replay.Outcome);
        Assert.Empty(_outreach.Problems);
        Assert.Equal((456L, 123L), Assert.Single(_outreach.States).Key);
        Assert.StartsWith("application/vnd.api+json", _outreach.Server.Received[0].Header("Content-Type"));
    }

    [Fact]
    public async Task Salesloft_adds_the_person_to_the_cadence()
    {
        var connector = new SalesloftConnector(Some.Connector("salesloft", ("base_url", _salesloft.BaseUrl + "/v2"), ("token", "${SL_TOKEN}"),
            ("cadence_id", "55")), Some.Context(_secrets));

        var result = await connector.SendAsync(Some.Action("salesloft", "add_to_cadence", Payload()), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Empty(_salesloft.Problems);
        Assert.Equal(("9001", "55"), Assert.Single(_salesloft.Memberships).Key);
    }

    [Fact]
    public async Task Salesloft_given_5xx_asks_for_a_retry()
    {
        _salesloft.Server.Enqueue(Fault.ServerError);
        var connector = new SalesloftConnector(Some.Connector("salesloft", ("base_url", _salesloft.BaseUrl + "/v2"), ("token", "${SL_TOKEN}"),
            ("cadence_id", "55")), Some.Context(_secrets));

        var result = await connector.SendAsync(Some.Action("salesloft", "add_to_cadence", Payload()), default);

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Empty(_salesloft.Memberships);
    }
}
