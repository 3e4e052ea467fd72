using System.Text.Json;
using Pql.Cli;
using Pql.Core.Scoring;
using Pql.Core.State;

namespace Pql.App.Tests.Assessment;

/// <summary><c>pql assess --workspace</c>: the evidence section from a small workspace loaded from files.</summary>
public sealed class AssessWorkspaceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-assess-ws-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_dir, name), content);

    /// <summary>
    /// Activation = two doc_created within 1 day of sign-up. u1 (created 03-01 00:00) activates at 03:00 (3h);
    /// u2 (03-01 12:00) creates one doc only; u3 (03-02 00:00) at 01:00 (1h); u4 (03-03 00:00) at 06:00 (6h).
    /// The last event is 03-06, so all four had a full day: 3 of 4 activate (75%), median 3h.
    /// Every event is received 2 minutes after it happened except one (10 minutes): median latency 2 minutes.
    /// </summary>
    private void WriteWorkspace()
    {
        Write("pql.yaml", """
            data:
              accounts: accounts.csv
              users: users.csv
              events: events.csv
            products:
              docs: [doc_created]
            goals:
              activation:
                entity: user
                achieved_when:
                  all:
                    - { event: doc_created, at_least: 2 }
                horizon: 1d
            """);
        Write("accounts.csv", "account_id,created_at\nacme,2026-03-01\n");
        Write("users.csv", "user_id,account_id,created_at\nu1,acme,2026-03-01T00:00:00Z\nu2,acme,2026-03-01T12:00:00Z\nu3,acme,2026-03-02T00:00:00Z\nu4,acme,2026-03-03T00:00:00Z\n");
        Write("events.csv", """
            timestamp,event,user_id,received_at
            2026-03-01T00:00:00Z,signed_up,u1,2026-03-01T00:02:00Z
            2026-03-01T01:00:00Z,doc_created,u1,2026-03-01T01:02:00Z
            2026-03-01T03:00:00Z,doc_created,u1,2026-03-01T03:02:00Z
            2026-03-01T12:00:00Z,signed_up,u2,2026-03-01T12:02:00Z
            2026-03-01T13:00:00Z,doc_created,u2,2026-03-01T13:10:00Z
            2026-03-02T00:00:00Z,signed_up,u3,2026-03-02T00:02:00Z
            2026-03-02T00:30:00Z,doc_created,u3,2026-03-02T00:32:00Z
            2026-03-02T01:00:00Z,doc_created,u3,2026-03-02T01:02:00Z
            2026-03-03T00:00:00Z,signed_up,u4,2026-03-03T00:02:00Z
            2026-03-03T02:00:00Z,doc_created,u4,2026-03-03T02:02:00Z
            2026-03-03T06:00:00Z,doc_created,u4,2026-03-03T06:02:00Z
            2026-03-06T00:00:00Z,login,u2,2026-03-06T00:02:00Z

            """);
        Write("answers.yaml", "segment: pure_plg\nlevels: { data_integration: 3, activation: 1, usage_campaigns: 2, pql: 2, feedback_loop: 3 }\n");
    }

    [Fact]
    public void Assess_workspace_measures_activation_latency_and_suggests_levels()
    {
        WriteWorkspace();
        var output = new StringWriter();
        var error = new StringWriter();

        var code = CliApp.Run(["assess", "--answers", Path.Combine(_dir, "answers.yaml"), "--workspace", _dir, "--format", "json"], output, error);

        Assert.Equal(0, code);
        Assert.Equal("", error.ToString());
        using var doc = JsonDocument.Parse(output.ToString());
        var evidence = doc.RootElement.GetProperty("evidence");
        Assert.Equal("activation", evidence.GetProperty("activation_goal").GetString());
        Assert.Equal(4, evidence.GetProperty("activation_cohort").GetInt32());
        Assert.Equal(0.75, evidence.GetProperty("activation_rate").GetDouble(), 12);
        Assert.Equal(3.0, evidence.GetProperty("median_hours_to_activation").GetDouble(), 12);
        Assert.Equal(120_000, evidence.GetProperty("latency_median_ms").GetDouble());
        Assert.Equal(3, evidence.GetProperty("distinct_event_names").GetInt32());
        Assert.Equal(0, evidence.GetProperty("triggers_configured").GetInt32());
        var activation = doc.RootElement.GetProperty("dimensions")[1];
        Assert.Equal(4, activation.GetProperty("suggested").GetProperty("level").GetInt32());
        Assert.Contains("Self-assessed at level 1, but the data supports level 4", activation.GetProperty("warning").GetString());
        var flags = doc.RootElement.GetProperty("red_flags").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["no_activation_metric", "no_triggers_configured", "no_pql_model"], flags);
        Assert.False(File.Exists(Path.Combine(_dir, ".pql", "rejects.csv")));
    }

    /// <summary>
    /// A model for the activation goal scored u1 high_touch (0.9) and u2 nurture (0.2) as of 03-01 00:30.
    /// Within the day after, u1 activates (03:00) and u2 does not: 1 conversion of 2, base rate 0.5, top tier 1.0,
    /// so lift 2.0 and every conversion came from the high tier.
    /// </summary>
    [Fact]
    public async Task Assess_workspace_with_state_reports_model_lift_and_counts_list_triggers()
    {
        WriteWorkspace();
        File.AppendAllText(Path.Combine(_dir, "pql.yaml"), "\n" + """
            triggers:
              - name: entered_high_touch
                goal: activation
                when: { tier_entered: high_touch }
                playbook: notify
            playbooks:
              notify:
                - connector: team
                  action: message
            """);
        var asOf = DateTimeOffset.Parse("2026-03-01T00:30:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        using (var state = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql")))
        {
            var by = Actor.System("test");
            await state.RegisterModelAsync(new ModelRecord("activation", "v1", "gbdt", "models/v1.json", "{}", asOf), by);
            var run = new ScoreRun("r1", "activation", "v1", "gbdt", asOf, asOf,
            [
                new EntityScore("u1", 0.9, "high_touch", [], new Dictionary<string, string>()),
                new EntityScore("u2", 0.2, "nurture", [], new Dictionary<string, string>()),
            ]);
            await state.RecordRunAsync("activation", _ => new RunRecording(run, [], []), by);
        }
        var output = new StringWriter();
        var error = new StringWriter();

        var code = CliApp.Run(["assess", "--answers", Path.Combine(_dir, "answers.yaml"), "--workspace", _dir], output, error);

        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("Triggers / playbooks        1 / 1", text);
        Assert.Contains("trained for 'activation', conversion tracked, lift 2.0x after scoring, 100% of conversions from high tiers (1 conversion)", text);
        Assert.Contains("data suggests level 3: a model scores leads and its conversions are tracked", text);
        Assert.DoesNotContain("no_triggers_configured", text);
    }

    [Fact]
    public void Assess_workspace_without_state_file_reports_no_model()
    {
        WriteWorkspace();
        var output = new StringWriter();

        var code = CliApp.Run(["assess", "--answers", Path.Combine(_dir, "answers.yaml"), "--workspace", _dir, "--format", "json"], output, new StringWriter());

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output.ToString());
        Assert.False(doc.RootElement.GetProperty("evidence").GetProperty("model").GetProperty("has_model").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("red_flags").EnumerateArray(), f => f.GetProperty("id").GetString() == "no_pql_model");
        Assert.False(File.Exists(Path.Combine(_dir, ".pql", "state.db")));
    }

    [Fact]
    public void Assess_missing_workspace_exits_2_before_asking_anything()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = CliApp.Run(["assess", "--workspace", Path.Combine(_dir, "nowhere"), "--answers", Path.Combine(_dir, "answers.yaml")], output, error);

        Assert.Equal(2, code);
        Assert.Contains("nowhere", error.ToString());
    }
}
