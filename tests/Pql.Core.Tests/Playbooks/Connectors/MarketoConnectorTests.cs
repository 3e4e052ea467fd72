using Pql.Core.Playbooks.Connectors;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks.Connectors;

public sealed class MarketoConnectorTests : IDisposable
{
    private readonly MarketoFake _fake = new("client-1", "mk-secret-xyz");
    private readonly SecretResolver _secrets = Some.Secrets(("MK_ID", "client-1"), ("MK_SECRET", "mk-secret-xyz"));

    public void Dispose() => _fake.Dispose();

    private MarketoConnector Connector() =>
        new(Some.Connector("marketo", ("base_url", _fake.BaseUrl), ("client_id", "${MK_ID}"), ("client_secret", "${MK_SECRET}")), Some.Context(_secrets));

    private static string Payload() => Some.Payload("k1", new Dictionary<string, string> { ["email"] = "ceo@acme.test" });

    [Fact]
    public async Task Push_score_gets_a_token_then_upserts_the_lead_by_email()
    {
        var connector = Connector();

        var first = await connector.SendAsync(Some.Action("marketo", "push_score", Payload()), default);
        var second = await connector.SendAsync(Some.Action("marketo", "push_score", Payload()), default);

        Assert.Equal(DeliveryOutcome.Delivered, first.Outcome);
        Assert.Equal(DeliveryOutcome.Delivered, second.Outcome);
        Assert.Equal(1, _fake.TokensIssued);
        Assert.Equal(0.82, (double)_fake.Leads["ceo@acme.test"]["pqlScore"]!, 6);
        Assert.Empty(_fake.Problems);
    }

    [Fact]
    public async Task Push_score_with_an_expired_token_refreshes_it_and_succeeds()
    {
        var connector = Connector();
        await connector.SendAsync(Some.Action("marketo", "push_score", Payload()), default);
        _fake.ExpireToken();

        var result = await connector.SendAsync(Some.Action("marketo", "push_score", Payload()), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(2, _fake.TokensIssued);
    }

    [Fact]
    public async Task Push_score_given_606_inside_http_200_defers_for_the_20_second_window()
    {
        _fake.ErrorCodes.Enqueue("606");

        var result = await Connector().SendAsync(Some.Action("marketo", "push_score", Payload()), default);

        Assert.Equal(DeliveryOutcome.Deferred, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(20), result.RetryAfter);
        Assert.Contains("606", result.Detail);
    }

    [Fact]
    public async Task Push_score_with_bad_client_secret_fails_auth_without_leaking_it()
    {
        var secrets = Some.Secrets(("MK_ID", "client-1"), ("MK_SECRET", "wrong-secret-abc"));
        var connector = new MarketoConnector(Some.Connector("marketo", ("base_url", _fake.BaseUrl), ("client_id", "${MK_ID}"), ("client_secret", "${MK_SECRET}")),
            Some.Context(secrets));

        var result = await connector.SendAsync(Some.Action("marketo", "push_score", Payload()), default);

        Assert.Equal(DeliveryOutcome.AuthFailed, result.Outcome);
        Assert.DoesNotContain("wrong-secret-abc", result.Detail);
    }
}
