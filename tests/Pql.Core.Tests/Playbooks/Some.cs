using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Playbooks;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Builders for values whose details do not matter to a test.</summary>
internal static class Some
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static EntityScore Row(string id, double score, string tier, IReadOnlyDictionary<string, string>? attributes = null, params Driver[] drivers) =>
        new(id, score, tier, drivers.Length > 0 ? drivers : [new Driver("activity.events_7d", 5, score / 2)], attributes ?? new Dictionary<string, string>());

    public static ScoreRun Run(string runId, params EntityScore[] rows) =>
        new(runId, "conversion", "v1", "gbdt", Start.ToUnixTimeMilliseconds(), Start.ToUnixTimeMilliseconds(), rows);

    public static OutboxAction Action(string connector, string action, string payloadJson, string id = "a0000000000000000000000000000001") =>
        new(id, "run-1", "conversion", "acme", "t", "p", connector, action, payloadJson, Start.ToUnixTimeMilliseconds());

    /// <summary>A payload as the planner writes it, for an entity with the given attributes.</summary>
    public static string Payload(string id, IReadOnlyDictionary<string, string> attributes, string? channel = null, string? owner = null)
    {
        var attrs = new System.Text.Json.Nodes.JsonObject();
        foreach (var (k, v) in attributes)
            attrs[k] = v;
        return new System.Text.Json.Nodes.JsonObject
        {
            ["action_id"] = id,
            ["entity_id"] = "acme",
            ["score"] = 0.82,
            ["tier"] = "high_touch",
            ["message"] = "acme is high_touch (0.82)",
            ["reason"] = "acme entered tier high_touch from assisted",
            ["owner"] = owner,
            ["channel"] = channel,
            ["attributes"] = attrs,
            ["params"] = new System.Text.Json.Nodes.JsonObject(),
        }.ToJsonString();
    }

    public static ConnectorContext Context(SecretResolver secrets, TimeProvider? time = null, string? dir = null) =>
        new(new HttpClient(), secrets, time ?? new ManualClock(DateTimeOffset.UtcNow), dir ?? Path.GetTempPath());

    public static SecretResolver Secrets(params (string Name, string Value)[] env)
    {
        var map = env.ToDictionary(e => e.Name, e => e.Value);
        return new SecretResolver(name => map.GetValueOrDefault(name));
    }

    public static ConnectorConfig Connector(string kind, params (string Key, string Value)[] settings) =>
        new(kind, kind, settings.ToDictionary(s => s.Key, s => s.Value));

    /// <summary>Writes a minimal workspace (pql.yaml plus empty data files) with the given extra sections and parses it.</summary>
    public static WorkspaceConfig Config(string dir, string yamlSections)
    {
        File.WriteAllText(Path.Combine(dir, "accounts.csv"), "account_id,created_at\n");
        File.WriteAllText(Path.Combine(dir, "events.csv"), "timestamp,event,account_id\n");
        File.WriteAllText(Path.Combine(dir, "pql.yaml"), WorkspaceYaml(yamlSections));
        return ConfigLoader.Load(dir);
    }

    public static string WorkspaceYaml(string yamlSections) => """
            data:
              accounts: accounts.csv
              events: events.csv
            goals:
              conversion:
                entity: account
                achieved_when: { event: subscription_started }
                horizon: 30d
            """ + "\n" + yamlSections;
}
