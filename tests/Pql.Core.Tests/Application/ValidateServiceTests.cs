using Pql.Core.Application;
using Pql.Core.Ingest;
using Pql.Core.Tests.Playbooks;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Application;

public sealed class ValidateServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Valid = """
        tiers:
          default: { high_touch: 0.6, assisted: 0.3 }
        connectors:
          hook: { kind: webhook, url: "http://127.0.0.1:9/h", secret: "${HOOK}" }
        playbooks:
          handoff:
            - { connector: hook, action: post }
        triggers:
          - name: entered_high_touch
            goal: conversion
            when: { tier_entered: high_touch }
            playbook: handoff
        """;

    private ConfigCheck Check(string sections)
    {
        Some.Config(_dir, "");
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), Some.WorkspaceYaml(sections));
        return ConfigService.Check(_dir);
    }

    private static string LineOf(string yaml, string text) =>
        (yaml.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(text, StringComparison.Ordinal)).i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("tiers", "tiers:\n  default: { high_touch: high }\n", "tiers.default.high_touch")]
    [InlineData("triggers", "triggers:\n  - { name: t1, goal: conversion, when: { tier_enterd: high_touch }, playbook: handoff }\n", "triggers[0].when.tier_enterd")]
    [InlineData("playbooks", "playbooks:\n  broken:\n    - { connector: nowhere }\n", "playbooks.broken[0].connector")]
    [InlineData("connectors", "connectors:\n  crm: { kind: hubspott }\n", "connectors.crm.kind")]
    [InlineData("schedules", "schedules:\n  - { task: rescore, goal: all, every: 2d }\n", "schedules[0].every")]
    [InlineData("engine", "engine: { kind: oracle }\n", "engine.kind")]
    [InlineData("state", "state: { kind: postgres }\n", "state.connection_env")]
    [InlineData("overrides", "overrides: { max_entities_without_approval: 0 }\n", "overrides.max_entities_without_approval")]
    [InlineData("overrides", "overrides: { max_tier_steps_without_approval: 1.5 }\n", "overrides.max_tier_steps_without_approval")]
    [InlineData("overrides", "overrides: { max_tier_steps: 2 }\n", "overrides.max_tier_steps")]
    public void An_error_in_each_section_is_reported_with_file_line_and_key(string section, string yaml, string key)
    {
        var check = Check(yaml + (section is "tiers" or "connectors" or "playbooks" or "triggers" ? "" : Valid));

        var error = Assert.Single(check.Errors);
        Assert.Equal(key, error.Key);
        Assert.StartsWith("pql.yaml:", error.Message);
        Assert.True(error.Line > 1, $"{section}: line {error.Line}");
        Assert.Null(check.Config);
    }

    [Fact]
    public void Every_error_in_every_section_is_reported_at_once_each_on_its_own_line()
    {
        var yaml = """
            schedules:
              - { task: rescore, goal: nope, every: 1d }
              - { task: relearn, goal: all, every: 1d }
            engine: { kind: postgres }
            connectors:
              hook: { kind: webhook, url: "http://127.0.0.1:9/h", secret: "${HOOK}" }
              bad: { kind: webhook }
            playbooks:
              handoff:
                - { connector: hook, action: post }
              held: { holdout: 0.7, steps: [ { connector: hook } ] }
            triggers:
              - { name: t1, goal: conversion, when: { tier_enterd: high_touch }, playbook: handoff }
              - { name: t2, goal: conversion, when: { tier_entered: high_touch }, playbook: handoff }
              - { name: t3, goal: conversion, when: { score_crosses: 2 }, playbook: nowhere }
            """;

        var check = Check(yaml);
        var full = Some.WorkspaceYaml(yaml);

        Assert.Equal(
            ["schedules[0].goal", "schedules[1].task", "engine.connection_env", "connectors.bad.url", "playbooks.held.holdout",
             "triggers[0].when.tier_enterd", "triggers[2].when.score_crosses"],
            check.Errors.Select(e => e.Key));
        Assert.Equal(LineOf(full, "task: relearn"), check.Errors[1].Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(LineOf(full, "name: t1"), check.Errors[5].Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_valid_config_becomes_typed_records_including_the_new_sections()
    {
        var check = Check(Valid + """

            schedules:
              - { task: rescore, goal: all, every: 1h }
              - { task: retrain, goal: conversion, every: 30d }
            engine: { kind: duckdb, path: features.duckdb, memory_budget: 2GB }
            state: { kind: postgres, connection_env: PQL_STATE_URL }
            training: { step: 30d, cutoffs: 4 }
            """);

        Assert.Empty(check.Errors);
        var config = check.Config!;
        Assert.Equal([(ScheduledTask.Rescore, "all", 3_600_000L), (ScheduledTask.Retrain, "conversion", 30 * 86_400_000L)],
            config.Workspace.Schedules.Select(s => (s.Task, s.Goal, s.EveryMs)));
        Assert.Equal((EngineKind.DuckDb, "features.duckdb", 2L << 30), (config.Workspace.Engine.Kind, config.Workspace.Engine.Path, config.Workspace.Engine.MemoryBudgetBytes!.Value));
        Assert.Equal((StateKind.Postgres, "PQL_STATE_URL"), (config.Workspace.State.Kind, config.Workspace.State.ConnectionEnv));
        Assert.Equal("entered_high_touch", Assert.Single(config.Playbooks.Triggers).Name);
        Assert.Contains("conversion", config.Tiers.Keys);
    }

    [Fact]
    public void A_playbook_holdout_share_is_read_and_defaults_to_none()
    {
        var check = Check(Valid.Replace("  handoff:\n    - { connector: hook, action: post }", "  handoff: { holdout: 0.1, steps: [ { connector: hook, action: post } ] }", StringComparison.Ordinal));

        Assert.Empty(check.Errors);
        Assert.Equal(0.1, check.Config!.Playbooks.Holdouts["handoff"]);
        Assert.Single(check.Config.Playbooks.Playbooks["handoff"]);
    }

    [Fact]
    public void A_connection_string_written_in_place_of_its_variable_name_is_refused()
    {
        var check = Check("engine: { kind: postgres, connection_env: \"postgres://u:pw@db/x\" }\n");

        Assert.Equal("engine.connection_env", Assert.Single(check.Errors).Key);
    }

    [Fact]
    public async Task Validate_warns_of_a_missing_goal_event_a_thin_selection_window_and_early_events()
    {
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at,plan\na1,2026-01-01T00:00:00Z,free\na2,2026-03-01T00:00:00Z,free\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"),
            "timestamp,event,account_id\n2026-02-01T00:00:00Z,login,a1\n2026-02-02T00:00:00Z,login,a2\n2026-05-01T00:00:00Z,login,a1\n2026-06-01T00:00:00Z,login,a2\n");
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), """
            data:
              accounts: accounts.csv
              events: events.csv
            goals:
              conversion:
                achieved_when: { event: subscription_started }
                horizon: 30d
              returning:
                achieved_when: { event: login }
                horizon: 60d
            """);

        var result = await ValidateService.ValidateAsync(new ValidateRequest(_dir));

        Assert.True(result.IsValid);
        Assert.Collection(result.Warnings,
            w => Assert.Contains("goal 'conversion': event 'subscription_started' never occurs", w),
            w => Assert.Contains("goal 'returning': only 0 achievers in the selection window", w),
            w => Assert.Contains("1 event(s) are earlier than their account's created_at (e.g. account 'a2'", w));
    }

    [Fact]
    public async Task Validate_stops_with_one_line_naming_both_positions_of_a_repeated_column()
    {
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at,plan,plan\na1,2026-01-01T00:00:00Z,free,pro\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,account_id\n2026-02-01T00:00:00Z,login,a1\n");
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), "data:\n  accounts: accounts.csv\n  events: events.csv\n");

        var ex = await Assert.ThrowsAsync<DataLoadException>(() => ValidateService.ValidateAsync(new ValidateRequest(_dir)));

        Assert.Contains("accounts.csv: columns 3 and 4 are both named 'plan'", ex.Message);
    }
}
