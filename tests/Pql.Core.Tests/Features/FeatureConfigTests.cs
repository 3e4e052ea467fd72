using Pql.Core.Features;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Features;

public sealed class FeatureConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-features-").FullName;

    public FeatureConfigTests()
    {
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,account_id\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private FeatureConfig Parse(string sections) => FeatureConfig.Parse(ConfigLoader.Parse(_dir, Path.Combine(_dir, "pql.yaml"), """
        data:
          accounts: accounts.csv
          events: events.csv

        """ + sections));

    [Theory]
    [InlineData("integration_added", EventKind.Integration)]
    [InlineData("slack_integration_enabled", EventKind.Integration)]
    [InlineData("user_invited", EventKind.Collaboration)]
    [InlineData("invite_accepted", EventKind.Collaboration)]
    [InlineData("doc_shared", EventKind.Collaboration)]
    [InlineData("share_link_created", EventKind.Collaboration)]
    [InlineData("subscription_started", EventKind.Lifecycle)]
    [InlineData("seats_added", EventKind.Lifecycle)]
    [InlineData("plan_upgraded", EventKind.Lifecycle)]
    [InlineData("billing_updated", EventKind.Lifecycle)]
    [InlineData("doc_created", EventKind.FeatureUse)]
    public void KindOf_without_event_kinds_uses_name_patterns(string name, EventKind expected)
    {
        Assert.Equal(expected, FeatureConfig.Default.KindOf(name));
    }

    [Fact]
    public void Parse_event_kinds_and_knobs_override_the_defaults()
    {
        var config = Parse("""
            event_kinds:
              integration: [connector_linked]
              collaboration: [user_invited, doc_shared, mention_added]
              lifecycle: [trial_extended]
            features:
              integration_kind_property: connector
              windows: [14, 28d, 56]
              max_products: 5
              creator_events: [board_made]
            """);

        Assert.Equal(EventKind.Integration, config.KindOf("connector_linked"));
        Assert.Equal(EventKind.Collaboration, config.KindOf("mention_added"));
        Assert.Equal(EventKind.Lifecycle, config.KindOf("trial_extended"));
        Assert.Equal(EventKind.FeatureUse, config.KindOf("doc_created"));
        Assert.Equal([14, 28, 56], config.WindowDays);
        Assert.Equal(5, config.MaxProducts);
        Assert.Equal(["connector"], config.PropertyKeysNeeded);
        Assert.True(config.IsCreator("board_made"));
        Assert.False(config.IsCreator("doc_created"));
        Assert.True(config.IsInvite("user_invited"));
        Assert.True(config.IsShare("doc_shared"));
    }

    [Fact]
    public void Parse_analyst_knobs_name_the_events_size_and_excluded_families()
    {
        var config = Parse("""
            features:
              automated_events: [nightly_export]
              limit_events: [storage_full]
              size_attribute: seats_bought
              exclude_families: [cadence, champion]
            """);

        Assert.True(config.IsAutomated("nightly_export"));
        Assert.False(config.IsAutomated("workflow_run"));
        Assert.True(config.IsLimit("storage_full"));
        Assert.True(config.IsPricing("pricing_viewed"));
        Assert.Equal("seats_bought", config.SizeAttribute);
        Assert.Equal(FeatureFamilies.Cadence | FeatureFamilies.Champion, config.ExcludedFamilies);
    }

    [Theory]
    [InlineData("workflow_run", true, false, false)]
    [InlineData("api_call", true, false, false)]
    [InlineData("plan_limit_reached", false, true, false)]
    [InlineData("pricing_page_viewed", false, false, true)]
    [InlineData("upgrade_clicked", false, false, true)]
    [InlineData("doc_created", false, false, false)]
    [InlineData("running_total_added", false, false, false)]
    public void Default_patterns_match_whole_words(string name, bool automated, bool limit, bool pricing)
    {
        Assert.Equal(automated, FeatureConfig.Default.IsAutomated(name));
        Assert.Equal(limit, FeatureConfig.Default.IsLimit(name));
        Assert.Equal(pricing, FeatureConfig.Default.IsPricing(name));
    }

    [Fact]
    public void Parse_without_sections_keeps_the_integration_property()
    {
        var config = Parse("");

        Assert.Equal(["integration"], config.PropertyKeysNeeded);
        Assert.Equal([7, 30, 90], config.WindowDays);
    }

    [Theory]
    [InlineData("event_kinds:\n  integrations: [x]\n", 5, "event_kinds.integrations")]
    [InlineData("event_kinds:\n  integration: [x]\n  lifecycle: [x]\n", 6, "event_kinds.lifecycle")]
    [InlineData("features:\n  windows: [30, 7]\n", 5, "features.windows")]
    [InlineData("features:\n  max_products: 2.5\n", 5, "features.max_products")]
    [InlineData("features:\n  windowz: [7, 30]\n", 5, "features.windowz")]
    [InlineData("features:\n  exclude_families: [cadense]\n", 5, "features.exclude_families")]
    [InlineData("features:\n  size_attribute: ''\n", 5, "features.size_attribute")]
    public void Parse_bad_section_names_line_and_key(string yaml, int line, string key)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));

        Assert.Equal(line, ex.Line);
        Assert.Equal(key, ex.Key);
    }
}
