using Pql.Core.Playbooks.Connectors;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks.Connectors;

public sealed class EloquaWebhookCsvConnectorTests : IDisposable
{
    private readonly EloquaFake _eloqua = new("AcmeSite", "api.user", "el-pass-1");
    private readonly WebhookFake _webhook = new("whsec-42");
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-csv-").FullName;

    public void Dispose()
    {
        _eloqua.Dispose();
        _webhook.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Eloqua_discovers_the_pod_then_puts_contact_field_values()
    {
        var secrets = Some.Secrets(("EQ_PASS", "el-pass-1"));
        var connector = new EloquaConnector(Some.Connector("eloqua", ("login_url", _eloqua.BaseUrl), ("site", "AcmeSite"), ("user", "api.user"),
            ("password", "${EQ_PASS}"), ("score_field_id", "100279")), Some.Context(secrets));
        var payload = Some.Payload("k1", new Dictionary<string, string> { ["eloqua_contact_id"] = "321", ["email"] = "a@acme.test" });

        var result = await connector.SendAsync(Some.Action("eloqua", "update_contact", payload), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Empty(_eloqua.Problems);
        var contact = _eloqua.Contacts["321"];
        var values = contact["fieldValues"]!.AsArray().ToDictionary(f => (string)f!["id"]!, f => (string?)f!["value"]);
        Assert.Equal("0.82", values["100279"]);
        Assert.Equal("keep me", values["200"]);
        Assert.Equal("Ada", (string?)contact["firstName"]);
        Assert.Equal(["GET /id", "GET /api/REST/1.0/data/contact/321", "PUT /api/REST/1.0/data/contact/321"],
            _eloqua.Server.Received.Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task Webhook_signs_the_body_and_sends_the_idempotency_key()
    {
        var secrets = Some.Secrets(("WH_SECRET", "whsec-42"));
        var connector = new WebhookConnector(Some.Connector("webhook", ("url", _webhook.BaseUrl + WebhookFake.Path), ("secret", "${WH_SECRET}")),
            Some.Context(secrets, TimeProvider.System));

        var result = await connector.SendAsync(Some.Action("webhook", "post", Some.Payload("k9", new Dictionary<string, string>()), id: "k9"), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Empty(_webhook.Problems);
        Assert.True(_webhook.Applied.ContainsKey("k9"));
    }

    [Fact]
    public async Task Webhook_with_the_wrong_secret_is_refused_by_the_receiver()
    {
        var secrets = Some.Secrets(("WH_SECRET", "not-the-secret"));
        var connector = new WebhookConnector(Some.Connector("webhook", ("url", _webhook.BaseUrl + WebhookFake.Path), ("secret", "${WH_SECRET}")),
            Some.Context(secrets, TimeProvider.System));

        var result = await connector.SendAsync(Some.Action("webhook", "post", Some.Payload("k9", new Dictionary<string, string>()), id: "k9"), default);

        Assert.Equal(DeliveryOutcome.AuthFailed, result.Outcome);
        Assert.Empty(_webhook.Applied);
    }

    [Fact]
    public async Task Csv_export_appends_each_action_once()
    {
        var connector = new CsvExportConnector(Some.Connector("csv", ("path", "exports/tiers.csv")), Some.Context(Some.Secrets(), dir: _dir));
        var action = Some.Action("csv", "export", Some.Payload("k1", new Dictionary<string, string>()), id: "k1");

        await connector.SendAsync(action, default);
        var replay = await connector.SendAsync(action, default);

        Assert.Equal(DeliveryOutcome.Delivered, replay.Outcome);
        var lines = File.ReadAllLines(Path.Combine(_dir, "exports", "tiers.csv"));
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("k1,conversion,acme,high_touch,0.82", lines[1]);
    }
}
