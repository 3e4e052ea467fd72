using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

public sealed partial class FeatureEngineTests
{
    private static TestLog CollaborationLog() => new TestLog()
        .Account("a1", T - 100 * Day)
        .User("u1", "a1", T - 100 * Day).User("u2", "a1", T - 50 * Day).User("u3", "a1", T - 20 * Day)
        .User("u4", "a1", T - 10 * Day).User("u5", "a1", T + 5 * Day)
        .Add("a1", "u1", T - 70 * Day, "doc_created", "docs")
        .Add("a1", "u1", T - 60 * Day, "user_invited")
        .Add("a1", "u2", T - 40 * Day, "doc_shared", "docs")
        .Add("a1", "u1", T - 25 * Day, "user_invited")
        .Add("a1", "u1", T - 15 * Day, "doc_shared", "docs")
        .Add("a1", "u3", T - 10 * Day, "sheet_created", "sheets")
        .Add("a1", "u2", T - 5 * Day, "user_invited")
        .Add("a1", "u2", T - 3 * Day, "doc_shared", "docs")
        .Add("a1", "u2", T - 2 * Day, "comment_added", "docs")
        .Add("a1", "u5", T + 6 * Day, "doc_created", "docs");

    [Fact]
    public void Build_collaboration_matches_hand_computed_account_values()
    {
        var m = Matrix(CollaborationLog().Build(), EntityKind.Account, T, "a1");

        // Invites at T-60d, T-25d, T-5d: 3 in total, 2 in the last 30 days.
        Assert.Equal(3f, m.Value("collaboration.invites_sent_total"));
        Assert.Equal(2f, m.Value("collaboration.invites_sent_30d"));
        // Shares at T-40d, T-15d, T-3d: 3 in total, 2 in 30 days.
        Assert.Equal(3f, m.Value("collaboration.shares_total"));
        Assert.Equal(2f, m.Value("collaboration.shares_30d"));
        // Created after the first invite (T-60d) and by T: u2, u3, u4; with an event by T: u2, u3.
        Assert.Equal(2f, m.Value("collaboration.invitees_active"));
        // Creators (doc_created, sheet_created): u1 (T-70d), u3 (T-10d); u5's is after T. In 30 days: u3.
        Assert.Equal(2f, m.Value("collaboration.distinct_creators"));
        Assert.Equal(1f, m.Value("collaboration.creators_30d"));
        // Users created by T: u1..u4 = 4; creator share 2/4; added in 30 days: u3 (T-20d), u4 (T-10d).
        Assert.Equal(4f, m.Value("collaboration.users_total"));
        Assert.Equal(0.5f, m.Value("collaboration.creator_share"));
        Assert.Equal(2f, m.Value("collaboration.users_added_30d"));
    }

    [Fact]
    public void Build_collaboration_for_users_counts_each_users_own_events()
    {
        var m = Matrix(CollaborationLog().Build(), EntityKind.User, T, "u1", "u2");

        // u1: invites T-60d, T-25d; share T-15d; created a doc. u2: invite T-5d; shares T-40d, T-3d; no creation.
        Assert.Equal(2f, m.Value("collaboration.invites_sent_total", 0));
        Assert.Equal(1f, m.Value("collaboration.shares_total", 0));
        Assert.Equal(1f, m.Value("collaboration.is_creator", 0));
        Assert.Equal(1f, m.Value("collaboration.invites_sent_total", 1));
        Assert.Equal(2f, m.Value("collaboration.shares_total", 1));
        Assert.Equal(0f, m.Value("collaboration.is_creator", 1));
        Assert.Equal(-1, m.IndexOf("collaboration.users_total"));
    }
}
