using Pql.Core.Playbooks;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Playbooks;

public sealed class PlaybookConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-pbconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PlaybookConfig Parse(string yaml) => PlaybookConfig.Parse(Some.Config(_dir, yaml));

    private const string Valid = """
        triggers:
          - name: hot
            when: { tier_entered: high_touch }
            filter: { segment: enterprise }
            playbook: handoff
        playbooks:
          handoff:
            - connector: crm
              action: task
              template: "{{entity_id}} ({{attributes.plan}})"
        connectors:
          crm: { kind: salesforce, instance_url: "${SF_URL}", token: "${SF_TOKEN}" }
        """;

    [Fact]
    public void Parse_agreed_schema_reads_triggers_playbooks_and_connectors()
    {
        var config = Parse(Valid);

        var trigger = Assert.Single(config.Triggers);
        Assert.Equal(TriggerKind.TierEntered, trigger.Kind);
        Assert.Equal("enterprise", trigger.Filter["segment"]);
        Assert.Equal("task", Assert.Single(config.Playbooks["handoff"]).Action);
        Assert.Equal("${SF_TOKEN}", config.Connectors["crm"].Settings["token"]);
    }

    [Theory]
    [InlineData("kind: salesforce", "kind: salesforse", "unknown connector kind 'salesforse'")]
    [InlineData("action: task", "action: post", "a salesforce connector does 'task' or 'update_score' or 'task_and_score', not 'post'")]
    [InlineData("{{attributes.plan}}", "{{plan}}", "unknown placeholder '{{plan}}'")]
    [InlineData("playbook: handoff", "playbook: handof", "unknown playbook 'handof'")]
    [InlineData("token: \"${SF_TOKEN}\"", "token: \"${SF_TOKEN}\", timeout_seconds: soon", "'soon' is not a positive number of seconds")]
    [InlineData("tier_entered: high_touch", "tier_entered: high_touch, score_delta: 0.1", "needs exactly one condition")]
    [InlineData("tier_entered: high_touch", "drift_above: 0", "when.drift_above': must be a drift distance above 0")]
    [InlineData("tier_entered: high_touch", "drift_above: 0.1", "filter': does not apply to drift_above")]
    public void Parse_mistake_names_the_problem(string from, string to, string expected)
    {
        var ex = Assert.ThrowsAny<ConfigException>(() => Parse(Valid.Replace(from, to, StringComparison.Ordinal)));

        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("pql.yaml:", ex.Message);
    }

    [Fact]
    public void Parse_connector_without_a_required_setting_names_it()
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(Valid.Replace(", token: \"${SF_TOKEN}\"", "", StringComparison.Ordinal)));

        Assert.Contains("connectors.crm.token", ex.Message);
    }
}
