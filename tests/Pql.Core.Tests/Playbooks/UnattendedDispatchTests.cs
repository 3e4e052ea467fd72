using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks.Fakes;
using Pql.Core.Tests.State;

namespace Pql.Core.Tests.Playbooks;

/// <summary>
/// Acceptance for connectors that run unattended: a broken credential pauses only its connector, a token that expires mid-run is
/// refreshed once, a quota defers without spending attempts, a batch maps each record's result back to its action, and nothing a
/// connector throws stops the dispatcher. All against fakes on 127.0.0.1 that check what they receive.
/// </summary>
public sealed class UnattendedDispatchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-unattended-").FullName;
    private readonly SqliteStateStore _store;
    private readonly ManualClock _clock = new(Some.Start);

    public UnattendedDispatchTests() => _store = new SqliteStateStore(Path.Combine(_dir, "state.db"));

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private OutboxDispatcher Dispatcher(IConnector connector, DispatchOptions? options = null) =>
        new(_store, new Dictionary<string, IConnector> { [connector.Name] = connector }, _clock, options, sleep: (d, _) =>
        {
            _clock.Advance(d);
            return Task.CompletedTask;
        });

    private void Enqueue(string connector, string action, IEnumerable<(string Id, Dictionary<string, string> Attributes)> items) =>
        _store.SaveScoreRun(Some.Run($"run-{Guid.NewGuid():N}"), [], [.. items.Select(i =>
            Some.Action(connector, action, Some.Payload(i.Id, i.Attributes), id: i.Id) with { NextAttemptMs = _clock.GetUtcNow().ToUnixTimeMilliseconds() })]);

    private static string Pem(System.Security.Cryptography.RSA rsa) => rsa.ExportPkcs8PrivateKeyPem();

    private static string Workspace(string dir, string eloquaUrl, string hookUrl) => $$$"""
        triggers:
          - name: first
            when: { first_scored: true }
            playbook: both
        playbooks:
          both:
            - { connector: eq, action: update_contact }
            - { connector: wh, action: post }
        connectors:
          eq: { kind: eloqua, login_url: "{{{eloquaUrl}}}", site: Acme, user: api, password: "${T_EQ_PASS}", score_field_id: "100" }
          wh: { kind: webhook, url: "{{{hookUrl}}}{{{WebhookFake.Path}}}", secret: "${T_WH_SECRET}" }
        """;

    [Fact]
    public async Task Act_with_a_broken_eloqua_credential_delivers_every_webhook_and_the_eloqua_actions_wait_with_one_reason()
    {
        using var eloqua = new EloquaFake("Acme", "api", "right-password");
        using var hook = new WebhookFake("wh-secret");
        var config = PlaybookConfig.Parse(Some.Config(_dir, Workspace(_dir, eloqua.BaseUrl, hook.BaseUrl)));
        var broken = Some.Secrets(("T_EQ_PASS", "wrong-password"), ("T_WH_SECRET", "wh-secret"));
        var pipeline = new ActPipeline(_store, _store, config, TimeProvider.System);
        EntityScore Row(int i) => Some.Row($"acct{i}", 0.9, "high_touch", new Dictionary<string, string> { ["eloqua_contact_id"] = $"{i}" });

        var (_, first) = await pipeline.ActAsync(Some.Run("run-1", [.. Enumerable.Range(0, 5).Select(Row)]), dryRun: false, StateStoreSync.Tester,
            Some.Context(broken, TimeProvider.System, _dir));

        Assert.Equal(5, first!.Delivered);
        Assert.Equal(5, hook.Applied.Count);
        Assert.Equal(5, first.WaitingOnCredentials);
        Assert.Equal(0, first.Dead + first.Failed);
        var waiting = _store.Outbox(OutboxStatus.Pending);
        Assert.Equal(5, waiting.Count);
        Assert.All(waiting, a =>
        {
            Assert.Equal("eq", a.Connector);
            Assert.Equal(0, a.Attempts);
            Assert.Contains("Not authenticated", a.LastError);
        });
        var pause = Assert.Single(await _store.PausedConnectorsAsync());
        Assert.Equal("eq", pause.Connector);
        Assert.Contains("check site, user and password", pause.Reason);
        Assert.Single(eloqua.Server.Received);   // one sign-in attempt found the credential bad; no action was tried one by one

        // The next dispatch is not blocked: new webhook actions go out, the paused connector is not called.
        var (_, second) = await pipeline.ActAsync(Some.Run("run-2", [.. Enumerable.Range(5, 3).Select(Row)]), dryRun: false, StateStoreSync.Tester,
            Some.Context(broken, TimeProvider.System, _dir));
        Assert.Equal(3, second!.Delivered);
        Assert.Equal(8, hook.Applied.Count);
        Assert.Single(eloqua.Server.Received);
        Assert.Equal(8, _store.OutboxCounts()[OutboxStatus.Pending]);

        // Fixing the secret changes the connector's config fingerprint: the next dispatch resumes it and the waiting actions go out.
        var fixedSecrets = Some.Secrets(("T_EQ_PASS", "right-password"), ("T_WH_SECRET", "wh-secret"));
        var third = await new OutboxDispatcher(_store, ConnectorFactory.CreateAll(config.Connectors, Some.Context(fixedSecrets, TimeProvider.System, _dir)),
            TimeProvider.System).RunAsync();
        Assert.Equal(8, third.Delivered);
        Assert.Empty(await _store.PausedConnectorsAsync());
        Assert.Empty(eloqua.Problems);
    }

    [Fact]
    public async Task A_salesforce_token_that_expires_mid_run_is_refreshed_once_and_the_run_continues()
    {
        using var sf = new SalesforceFake("never-issued");
        sf.EnableOAuth("sf-client", secret: "sf-secret");
        var secrets = Some.Secrets(("SF_SECRET", "sf-secret"));
        var connector = new SalesforceConnector(Some.Connector("salesforce", ("auth", "client_credentials"), ("login_url", sf.BaseUrl),
            ("client_id", "sf-client"), ("client_secret", "${SF_SECRET}")), Some.Context(secrets, _clock));
        Enqueue("salesforce", "task", Enumerable.Range(0, 5).Select(i => ($"task{i}", new Dictionary<string, string> { ["salesforce_id"] = $"001{i}" })));
        sf.ExpireTokenAfter(2);

        var report = await Dispatcher(connector).RunAsync();

        Assert.Equal(5, report.Delivered);
        Assert.Equal(5, report.Attempts);   // the refresh is inside the attempt: no action spent a second one
        Assert.Equal(2, sf.TokensIssued);
        Assert.Equal(2, connector.TokensFetched);
        Assert.Equal(6, sf.Server.Received.Count(r => r.Path.Contains("/sobjects/Task/", StringComparison.Ordinal)));   // 5 tasks, 1 resent after the 401
        Assert.Equal(5, sf.Tasks.Count);
        Assert.Empty(sf.Problems);
    }

    [Fact]
    public async Task Salesforce_jwt_bearer_signs_an_rs256_assertion_and_calls_the_instance_from_the_token_answer()
    {
        using var sf = new SalesforceFake("never-issued");
        using var key = System.Security.Cryptography.RSA.Create(2048);
        using var publicKey = System.Security.Cryptography.RSA.Create();
        publicKey.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        sf.EnableOAuth("sf-client", username: "integration@acme.test", publicKey: publicKey);
        var secrets = Some.Secrets(("SF_KEY", Pem(key)));
        var connector = new SalesforceConnector(Some.Connector("salesforce", ("auth", "jwt_bearer"), ("login_url", sf.BaseUrl),
            ("client_id", "sf-client"), ("username", "integration@acme.test"), ("private_key", "${SF_KEY}")), Some.Context(secrets, TimeProvider.System));

        var result = await connector.SendAsync(Some.Action("salesforce", "update_score", Some.Payload("k1", new Dictionary<string, string> { ["salesforce_id"] = "001A" })), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(1, sf.TokensIssued);
        Assert.True(sf.Updates.ContainsKey("Account/001A"));
        Assert.DoesNotContain("BEGIN", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hubspot_daily_429_defers_every_action_to_midnight_without_spending_attempts()
    {
        using var hs = new HubSpotFake("hs-token") { DailyLimitReached = true };
        var connector = new HubSpotConnector(Some.Connector("hubspot", ("base_url", hs.BaseUrl), ("token", "hs-token")), Some.Context(Some.Secrets(), _clock));
        Enqueue("hubspot", "update_properties", Enumerable.Range(0, 3).Select(i => ($"hs{i}", new Dictionary<string, string> { ["hubspot_id"] = $"{500 + i}" })));

        var report = await Dispatcher(connector).RunAsync();

        Assert.Equal(3, report.Deferred);
        Assert.Equal(0, report.Attempts);
        Assert.Single(hs.Server.Received);   // one batch call, no retries against a used-up daily quota
        var midnight = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.All(_store.Outbox(OutboxStatus.Pending), a =>
        {
            Assert.Equal(0, a.Attempts);
            Assert.Equal(midnight, a.NextAttemptMs);
            Assert.Contains("DAILY", a.LastError);
        });
    }

    [Fact]
    public async Task A_marketo_daily_quota_defers_to_midnight_us_central()
    {
        using var mk = new MarketoFake("mk-client", "mk-secret");
        mk.ErrorCodes.Enqueue("607");
        var connector = new MarketoConnector(Some.Connector("marketo", ("base_url", mk.BaseUrl), ("client_id", "mk-client"), ("client_secret", "mk-secret")),
            Some.Context(Some.Secrets(), _clock));
        Enqueue("marketo", "push_score", [("m1", new Dictionary<string, string> { ["email"] = "a@acme.test" })]);

        var report = await Dispatcher(connector).RunAsync();

        Assert.Equal(1, report.Deferred);
        var action = Assert.Single(_store.Outbox(OutboxStatus.Pending));
        Assert.Equal(0, action.Attempts);
        // 2026-11-22 12:00 UTC is 06:00 CST; the quota resets at 00:00 CST = 06:00 UTC the next day.
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), action.NextAttemptMs);
    }

    [Fact]
    public async Task A_hubspot_oauth_token_is_got_by_refresh_grant_and_refreshed_once_when_it_expires_mid_run()
    {
        using var hs = new HubSpotFake("no-static-token") { OAuth = new FakeRefreshGrant("hs-client", "hs-secret", "hs-refresh") };
        var connector = new HubSpotConnector(Some.Connector("hubspot", ("base_url", hs.BaseUrl), ("client_id", "hs-client"),
            ("client_secret", "${HS_SECRET}"), ("refresh_token", "${HS_REFRESH}")), Some.Context(Some.Secrets(("HS_SECRET", "hs-secret"), ("HS_REFRESH", "hs-refresh")), _clock));
        Enqueue("hubspot", "update_properties", [("hs0", new Dictionary<string, string> { ["hubspot_id"] = "500" })]);
        var first = await Dispatcher(connector).RunAsync();
        hs.OAuth.Expire();
        Enqueue("hubspot", "update_properties", [("hs1", new Dictionary<string, string> { ["hubspot_id"] = "501" })]);

        var second = await Dispatcher(connector).RunAsync();

        Assert.Equal((1, 1), (first.Delivered, first.Attempts));
        Assert.Equal((1, 1), (second.Delivered, second.Attempts));   // the refresh is inside the attempt
        Assert.Equal(2, hs.OAuth.Issued);
        Assert.Equal(2, connector.TokensFetched);
        Assert.All(hs.OAuth.Forms, f =>
        {
            Assert.Equal("refresh_token", f["grant_type"]);
            Assert.Equal("hs-refresh", f["refresh_token"]);
            Assert.Equal(("hs-client", "hs-secret"), (f["client_id"], f["client_secret"]));
        });
        var api = hs.Server.Received.Where(r => r.Path.StartsWith("/crm/", StringComparison.Ordinal)).Select(r => r.Header("Authorization")).ToList();
        Assert.Equal(["Bearer access-1", "Bearer access-1", "Bearer access-2"], api);   // the expired token is sent once, then the new one
        Assert.True(hs.Properties.ContainsKey("500") && hs.Properties.ContainsKey("501"));
        Assert.Empty(hs.OAuth.Problems);
        Assert.Empty(hs.Problems);
    }

    [Fact]
    public async Task An_outreach_oauth_token_is_got_by_refresh_grant_and_refreshed_once_with_the_rotated_refresh_token()
    {
        using var or = new OutreachFake("no-static-token") { OAuth = new FakeRefreshGrant("or-client", "or-secret", "or-refresh", "https://pql.test/callback", rotate: true) };
        var connector = new OutreachConnector(Some.Connector("outreach", ("base_url", or.BaseUrl + "/api/v2"), ("token_url", or.BaseUrl + "/oauth/token"),
            ("client_id", "or-client"), ("client_secret", "${OR_SECRET}"), ("refresh_token", "${OR_REFRESH}"), ("redirect_uri", "https://pql.test/callback"),
            ("sequence_id", "123"), ("mailbox_id", "789")), Some.Context(Some.Secrets(("OR_SECRET", "or-secret"), ("OR_REFRESH", "or-refresh")), _clock));
        Enqueue("outreach", "add_to_sequence", Enumerable.Range(0, 2).Select(i => ($"or{i}", new Dictionary<string, string> { ["outreach_prospect_id"] = $"{456 + i}" })));
        var first = await Dispatcher(connector).RunAsync();
        or.OAuth.Expire();
        Enqueue("outreach", "add_to_sequence", Enumerable.Range(2, 2).Select(i => ($"or{i}", new Dictionary<string, string> { ["outreach_prospect_id"] = $"{456 + i}" })));

        var second = await Dispatcher(connector).RunAsync();

        Assert.Equal((2, 2), (first.Delivered, first.Attempts));
        Assert.Equal((2, 2), (second.Delivered, second.Attempts));
        Assert.Equal(2, or.OAuth.Issued);
        Assert.Equal(2, connector.TokensFetched);
        Assert.Equal(["or-refresh", "refresh-1"], or.OAuth.Forms.Select(f => f["refresh_token"]));   // Outreach rotates refresh tokens
        Assert.All(or.OAuth.Forms, f =>
        {
            Assert.Equal("refresh_token", f["grant_type"]);
            Assert.Equal(("or-client", "or-secret", "https://pql.test/callback"), (f["client_id"], f["client_secret"], f["redirect_uri"]));
        });
        var api = or.Server.Received.Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)).Select(r => r.Header("Authorization")).ToList();
        Assert.Equal(["Bearer access-1", "Bearer access-1", "Bearer access-1", "Bearer access-2", "Bearer access-2"], api);
        Assert.Equal(4, or.States.Count);
        Assert.Empty(or.OAuth.Problems);
        Assert.Empty(or.Problems);
    }

    [Fact]
    public async Task An_outreach_hourly_429_defers_to_the_x_ratelimit_reset_time_without_spending_attempts()
    {
        var reset = Some.Start.AddMinutes(45);   // not the top of the hour, so only the header can name it
        using var or = new OutreachFake("or-token") { HourlyLimitResetsAt = reset };
        var connector = new OutreachConnector(Some.Connector("outreach", ("base_url", or.BaseUrl + "/api/v2"), ("token", "or-token"),
            ("sequence_id", "123"), ("mailbox_id", "789")), Some.Context(Some.Secrets(), _clock));
        Enqueue("outreach", "add_to_sequence", Enumerable.Range(0, 3).Select(i => ($"or{i}", new Dictionary<string, string> { ["outreach_prospect_id"] = $"{456 + i}" })));

        var report = await Dispatcher(connector).RunAsync();

        Assert.Equal(3, report.Deferred);
        Assert.Equal(0, report.Attempts);
        Assert.Empty(or.States);
        Assert.All(_store.Outbox(OutboxStatus.Pending), a =>
        {
            Assert.Equal(0, a.Attempts);
            Assert.Equal(reset.ToUnixTimeMilliseconds(), a.NextAttemptMs);
            Assert.Contains("429", a.LastError);
        });
        Assert.Equal(3, _store.Outbox(OutboxStatus.Pending).Count);
    }

    [Fact]
    public async Task A_300_lead_marketo_batch_with_2_bad_records_delivers_298_and_fails_2_with_their_reasons()
    {
        using var mk = new MarketoFake("mk-client", "mk-secret");
        var connector = new MarketoConnector(Some.Connector("marketo", ("base_url", mk.BaseUrl), ("client_id", "mk-client"), ("client_secret", "${MK}")),
            Some.Context(Some.Secrets(("MK", "mk-secret")), _clock));
        Enqueue("marketo", "push_score", Enumerable.Range(0, 300).Select(i =>
            ($"lead{i:D3}", new Dictionary<string, string> { ["email"] = i is 17 or 230 ? $"broken-{i}" : $"lead{i}@acme.test" })));

        var report = await Dispatcher(connector, new DispatchOptions { BatchSize = 300 }).RunAsync();

        Assert.Equal(1, mk.LeadCalls);
        Assert.Equal(298, report.Delivered);
        Assert.Equal(2, report.Dead);
        Assert.Equal(298, mk.Leads.Count);
        var dead = _store.Outbox(OutboxStatus.Dead).OrderBy(a => a.ActionId).ToList();
        Assert.Equal(["lead017", "lead230"], dead.Select(a => a.ActionId));
        Assert.All(dead, a => Assert.Contains("Invalid email address 'broken-", a.LastError));
        Assert.Empty(mk.Problems);
    }

    [Fact]
    public async Task A_connector_that_throws_costs_an_attempt_on_that_action_only_and_the_others_deliver()
    {
        var connector = new Throwing("poison");
        Enqueue("throwing", "post", [("a1", []), ("poison", []), ("a2", [])]);

        var report = await Dispatcher(connector, new DispatchOptions { MaxAttempts = 3, MaxWait = TimeSpan.FromHours(1) }).RunAsync();

        Assert.Equal(2, report.Delivered);
        Assert.Equal(1, report.Dead);
        var poison = Assert.Single(_store.Outbox(OutboxStatus.Dead));
        Assert.Equal(3, poison.Attempts);
        Assert.Contains("InvalidOperationException: boom", poison.LastError);
    }

    private sealed class Throwing(string poisonId) : IConnector
    {
        public string Name => "throwing";

        public Task<DeliveryResult> SendAsync(OutboxAction action, CancellationToken cancellationToken) =>
            action.ActionId == poisonId ? throw new InvalidOperationException("boom") : Task.FromResult(DeliveryResult.Ok("sent"));
    }
}
