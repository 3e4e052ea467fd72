using Pql.Core.Playbooks.Connectors;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks.Connectors;

public sealed class HubSpotConnectorTests : IDisposable
{
    private readonly HubSpotFake _fake = new("pat-na1-abc");
    private readonly SecretResolver _secrets = Some.Secrets(("HS_TOKEN", "pat-na1-abc"));

    public void Dispose() => _fake.Dispose();

    private HubSpotConnector Connector() =>
        new(Some.Connector("hubspot", ("base_url", _fake.BaseUrl), ("token", "${HS_TOKEN}"), ("list_id", "77")), Some.Context(_secrets));

    private static string Payload() => Some.Payload("k1", new Dictionary<string, string> { ["hubspot_id"] = "512" });

    [Fact]
    public async Task Update_properties_sends_a_v3_batch_update_with_string_values()
    {
        var result = await Connector().SendAsync(Some.Action("hubspot", "update_properties", Payload()), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Empty(_fake.Problems);
        Assert.Equal("0.82", (string?)_fake.Properties["512"]["pql_score"]);
        Assert.Equal("high_touch", (string?)_fake.Properties["512"]["pql_tier"]);
    }

    [Fact]
    public async Task Add_to_list_puts_the_record_id_into_the_list()
    {
        var result = await Connector().SendAsync(Some.Action("hubspot", "add_to_list", Payload()), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Empty(_fake.Problems);
        Assert.True(_fake.Lists["77"].ContainsKey("512"));
        Assert.Equal("PUT", _fake.Server.Received[0].Method);
    }

    [Fact]
    public async Task Send_given_429_reports_the_retry_after_wait()
    {
        _fake.Server.RetryAfterSeconds = 7;
        _fake.Server.Enqueue(Fault.RateLimited);

        var result = await Connector().SendAsync(Some.Action("hubspot", "update_properties", Payload()), default);

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }
}
