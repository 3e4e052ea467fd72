using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

public sealed partial class FeatureEngineTests
{
    [Fact]
    public void Build_integration_depth_matches_hand_computed_values()
    {
        // integration_added events carry the 'integration' property; an event named *integration* without it
        // counts by its name. zapier is added after T: it has a column (the store knows it) but 0 at T.
        var log = new TestLog()
            .Account("a1", T - 90 * Day).User("u1", "a1", T - 90 * Day).User("u2", "a1", T - 90 * Day).User("u3", "a1", T - 90 * Day)
            .Add("a1", "u1", T - 40 * Day, "integration_added", integration: "slack")
            .Add("a1", "u1", T - 20 * Day, "integration_added", integration: "github")
            .Add("a1", "u2", T - 5 * Day, "integration_added", integration: "slack")
            .Add("a1", "u2", T - 2 * Day, "jira_integration_connected")
            .Add("a1", "u1", T - 1 * Day, "doc_created", "docs")
            .Add("a1", "u3", T - 60 * Day, "doc_created", "docs")
            .Add("a1", "u1", T + 1 * Day, "integration_added", integration: "zapier");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        // Distinct: slack, github, jira_integration_connected = 3.
        Assert.Equal(3f, m.Value("integration.distinct_integrations"));
        // Integration events by T: 4; in the last 30 days: T-20d, T-5d, T-2d = 3.
        Assert.Equal(4f, m.Value("integration.integrations_added"));
        Assert.Equal(3f, m.Value("integration.integrations_added_30d"));
        Assert.Equal(40f, m.Value("integration.days_since_first_integration"));
        Assert.Equal(2f, m.Value("integration.days_since_last_integration"));
        // Active users in 30 days: u1 and u2 (u3 last seen T-60d): 3 / 2.
        Assert.Equal(1.5f, m.Value("integration.per_active_user_30d"));
        Assert.Equal(2f, m.Value("integration.slack.added"));
        Assert.Equal(1f, m.Value("integration.github.added"));
        Assert.Equal(0f, m.Value("integration.zapier.added"));
        Assert.Equal(4f, m.Value("kind.integration.events_total"));
    }
}
