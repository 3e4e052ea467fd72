using System.Globalization;
using System.Text;
using Pql.Core.Application;
using Pql.Core.Tests.Playbooks;

namespace Pql.Core.Tests.Application;

/// <summary><c>pql validate</c> on the features, event_kinds and rules sections (entry by entry) and on label_column goals' leakage.</summary>
public sealed class ValidateFeaturesAndRulesTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private ConfigCheck Check(string sections)
    {
        Some.Config(_ws.Dir, "");
        File.WriteAllText(_ws.PathOf("pql.yaml"), Some.WorkspaceYaml(sections));
        return ConfigService.Check(_ws.Dir);
    }

    private int LineOf(string text) =>
        File.ReadAllLines(_ws.PathOf("pql.yaml")).Select((l, i) => (l, i)).First(x => x.l.Contains(text, StringComparison.Ordinal)).i + 1;

    [Theory]
    [InlineData("features:\n  windows: [30, 7]\n", "features.windows", "windows:")]
    [InlineData("features:\n  max_prodcts: 3\n", "features.max_prodcts", "max_prodcts")]
    [InlineData("event_kinds:\n  gadgets: [a]\n", "event_kinds.gadgets", "gadgets:")]
    [InlineData("rules:\n  conversion: { activity.events_7d: lots }\n", "rules.conversion.activity.events_7d", "lots")]
    [InlineData("rules:\n  convert: { activity.events_7d: 1 }\n", "rules.convert", "convert:")]
    public void An_error_in_features_event_kinds_or_rules_is_reported_with_file_line_and_key(string yaml, string key, string at)
    {
        var check = Check(yaml);

        var error = Assert.Single(check.Errors);
        Assert.Equal(key, error.Key);
        Assert.StartsWith("pql.yaml:", error.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(at), error.Line);
        Assert.Null(check.Config);
    }

    [Fact]
    public void Every_broken_entry_of_features_and_rules_is_reported_not_only_the_first()
    {
        var check = Check("""
            features:
              windows: [30, 7]
              max_products: 0
              integration_kind_property: kind
            rules:
              conversion: { activity.events_7d: lots, activity.active_days_30d: 2, adoption.products_adopted: x }
              churned: { activity.events_7d: 1 }
            """);

        Assert.Equal(["features.windows", "features.max_products", "rules.conversion.activity.events_7d", "rules.conversion.adoption.products_adopted", "rules.churned"],
            check.Errors.Select(e => e.Key));
        Assert.Equal(LineOf("max_products: 0"), check.Errors[1].Line);
    }

    [Fact]
    public async Task A_rule_weight_on_a_feature_the_data_does_not_have_is_a_config_error_after_the_load()
    {
        _ws.File("accounts.csv", "account_id,created_at\na1,2026-01-01T00:00:00Z\n");
        _ws.File("events.csv", "timestamp,event,account_id\n2026-02-01T00:00:00Z,login,a1\n2026-03-01T00:00:00Z,subscription_started,a1\n");
        File.WriteAllText(_ws.PathOf("pql.yaml"), Some.WorkspaceYaml("rules:\n  conversion: { activity.events_7d: 1, activity.no_such_feature: 2 }\n"));

        var result = await ValidateService.ValidateAsync(new ValidateRequest(_ws.Dir));

        var error = Assert.Single(result.Errors);
        Assert.Equal("rules.conversion.activity.no_such_feature", error.Key);
        Assert.Equal(LineOf("no_such_feature"), error.Line);
        Assert.Contains("unknown feature 'activity.no_such_feature'", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_runs_the_trainers_leakage_check_on_a_label_column_goal()
    {
        // 400 customers; churn follows the contract loosely, and cancel_reason is filled for churners only (a snapshot taken after the outcome).
        var csv = new StringBuilder("customer,contract,cancel_reason,churned\n");
        for (var i = 0; i < 400; i++)
        {
            var monthly = i % 2 == 0;
            var churned = i % (monthly ? 3 : 7) == 0;
            csv.Append(CultureInfo.InvariantCulture, $"c{i},{(monthly ? "monthly" : "yearly")},{(churned ? "price" : "")},{(churned ? "Yes" : "No")}\n");
        }
        _ws.File("customers.csv", csv.ToString());
        _ws.Config("""
            data:
              accounts:
                path: customers.csv
                columns: { account_id: customer }
                created_at: 2024-01-01
            goals:
              churn:
                achieved_when: { label_column: churned, positive: "Yes" }
            """);

        var result = await ValidateService.ValidateAsync(new ValidateRequest(_ws.Dir));

        Assert.True(result.IsValid);
        var leak = Assert.Single(result.Leakage);
        Assert.Equal(("churn", "firmo.cancel_reason"), (leak.Goal, leak.Attribute));
        Assert.True(leak.Auc >= 0.9, $"AUC {leak.Auc}");
    }
}
