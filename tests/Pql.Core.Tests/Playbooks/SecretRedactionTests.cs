using System.Text;
using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;
using Pql.Core.Tests.State;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks;

/// <summary>Acceptance: no secret value appears in any log line, outbox row, trigger log, state file or error message.</summary>
public sealed class SecretRedactionTests : IDisposable
{
    private static readonly (string Name, string Value)[] s_env =
    [
        ("T_SF_TOKEN", "sf-SECRET-00D5e000001abcd"),
        ("T_HS_TOKEN", "pat-na1-SECRET-hubspot-9f8e"),
        ("T_SLACK_HOOK", "SECRETslackhookpathXYZ123"),
        ("T_SLACK_BOT", "xoxb-SECRET-bot-771"),
        ("T_MK_SECRET", "mkSECRETclientsecret55"),
        ("T_WH_SECRET", "whsec-SECRET-signing-key"),
        ("T_EQ_PASS", "eloquaSECRETpassword!"),
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("pql-secrets-").FullName;
    private readonly SalesforceFake _sf = new("the-real-sf-token");
    private readonly HubSpotFake _hs = new("the-real-hs-token");
    private readonly SlackFake _slack = new("the-real-bot-token");
    private readonly MarketoFake _mk = new("mk-client", "the-real-mk-secret");
    private readonly WebhookFake _wh = new("the-real-wh-secret");
    private readonly EloquaFake _eq = new("Site", "user", "the-real-password");

    public void Dispose()
    {
        foreach (var fake in new FakeApi[] { _sf, _hs, _slack, _mk, _wh, _eq })
            fake.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Act_with_rejected_and_failing_credentials_never_writes_a_secret_anywhere()
    {
        var config = PlaybookConfig.Parse(Some.Config(_dir, $$$"""
            triggers:
              - name: first
                when: { first_scored: true }
                playbook: everything
            playbooks:
              everything:
                - { connector: sf, action: task }
                - { connector: hs, action: update_properties }
                - { connector: hook, action: post }
                - { connector: bot, action: post, channel: "#pql" }
                - { connector: mk, action: push_score }
                - { connector: wh, action: post }
                - { connector: eq, action: update_contact }
                - { connector: closed, action: post }
            connectors:
              sf: { kind: salesforce, instance_url: "{{{_sf.BaseUrl}}}", token: "${T_SF_TOKEN}" }
              hs: { kind: hubspot, base_url: "{{{_hs.BaseUrl}}}", token: "${T_HS_TOKEN}" }
              hook: { kind: slack_webhook, url: "{{{_slack.BaseUrl}}}/services/T0/B0/${T_SLACK_HOOK}" }
              bot: { kind: slack, base_url: "{{{_slack.BaseUrl}}}/api", token: "${T_SLACK_BOT}" }
              mk: { kind: marketo, base_url: "{{{_mk.BaseUrl}}}", client_id: mk-client, client_secret: "${T_MK_SECRET}" }
              wh: { kind: webhook, url: "{{{_wh.BaseUrl}}}{{{WebhookFake.Path}}}", secret: "${T_WH_SECRET}" }
              eq: { kind: eloqua, login_url: "{{{_eq.BaseUrl}}}", site: Site, user: user, password: "${T_EQ_PASS}", score_field_id: "100" }
              closed: { kind: webhook, url: "http://127.0.0.1:9/${T_SLACK_HOOK}", secret: "${T_WH_SECRET}" }
            """));
        var secrets = Some.Secrets(s_env);
        using var log = new CapturingLoggerProvider();
        var attrs = new Dictionary<string, string>
        {
            ["salesforce_id"] = "001A", ["hubspot_id"] = "512", ["email"] = "a@acme.test", ["eloqua_contact_id"] = "9",
        };
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"));
        var pipeline = new ActPipeline(store, store, config, new ManualClock(DateTimeOffset.UtcNow));
        var options = new DispatchOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) };

        var (plan, report) = await pipeline.ActAsync(Some.Run("run-s", Some.Row("acme", 0.9, "high_touch", attrs)), dryRun: false, StateStoreSync.Tester,
            Some.Context(secrets, TimeProvider.System, _dir), options, log.Logger);

        Assert.Equal(8, plan.Actions.Count);
        Assert.Equal(8, report!.Dead + report.Failed + report.WaitingOnCredentials);
        var rows = store.Outbox().Select(a => string.Join("|", a.ActionId, a.PayloadJson, a.LastError, a.Status)).ToList();
        var everything = new StringBuilder()
            .AppendJoin('\n', log.AllMessages).Append('\n')
            .AppendJoin('\n', rows).Append('\n')
            .AppendJoin('\n', store.TriggerLog("conversion").Select(f => f.Reason + f.DataJson)).Append('\n')
            .AppendJoin('\n', store.Audit().Select(a => a.Detail)).ToString();
        store.Dispose();
        var stateBytes = string.Concat(Directory.GetFiles(Path.Combine(_dir, ".pql")).Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        foreach (var (name, value) in s_env)
        {
            Assert.DoesNotContain(value, everything);
            Assert.DoesNotContain(value, stateBytes);
            Assert.DoesNotContain(Uri.EscapeDataString(value), everything);
        }
        Assert.Contains(rows, r => r.Contains("401", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("network error", StringComparison.Ordinal));   // the closed port, whose URL holds a secret
    }

    [Fact]
    public void Resolve_unset_variable_names_the_variable_not_a_value()
    {
        var secrets = Some.Secrets();

        var ex = Assert.Throws<MissingSecretException>(() => secrets.Resolve("crm", "token", "${PQL_NOT_SET_ANYWHERE}"));

        Assert.Equal("connector 'crm' setting 'token': environment variable PQL_NOT_SET_ANYWHERE is not set", ex.Message);
    }

    [Fact]
    public void Redact_replaces_plain_and_url_escaped_secret_values()
    {
        var secrets = Some.Secrets(("S", "a b/c+secret"));
        secrets.Resolve("c", "k", "${S}");

        var text = secrets.Redact("x a b/c+secret y " + Uri.EscapeDataString("a b/c+secret"));

        Assert.Equal("x *** y ***", text);
    }
}
