using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

public sealed partial class FeatureEngineTests
{
    /// <summary>An event d days and one hour before the cutoff, so week k = floor(d / 7) is unambiguous.</summary>
    private static long Ago(int days) => T - days * Day - Hour;

    [Fact]
    public void Build_synergy_matches_hand_computed_weeks()
    {
        // Weeks are 7-day periods ending at T: week k holds events with (T - t) in [7k, 7k + 7) days.
        //   week 0 (1d ago):  docs, sheets          -> multi
        //   week 1 (8d ago):  docs                  -> single
        //   week 2 (15d ago): docs, sheets, chat    -> multi
        //   week 3 (22d ago): user_invited (no product) -> active, no product
        //   week 4 (29d ago): sheets, chat          -> multi
        var log = new TestLog()
            .Account("a1", T - 90 * Day).User("u1", "a1", T - 90 * Day)
            .Add("a1", "u1", Ago(1), "doc_created", "docs").Add("a1", "u1", Ago(1), "formula_used", "sheets")
            .Add("a1", "u1", Ago(8), "doc_created", "docs")
            .Add("a1", "u1", Ago(15), "doc_created", "docs").Add("a1", "u1", Ago(15), "formula_used", "sheets").Add("a1", "u1", Ago(15), "chat_sent", "chat")
            .Add("a1", "u1", Ago(22), "user_invited")
            .Add("a1", "u1", Ago(29), "formula_used", "sheets").Add("a1", "u1", Ago(29), "chat_sent", "chat")
            .Add("a1", "u1", T + Hour, "chat_sent", "chat").Add("a1", "u1", T + Hour, "doc_created", "docs");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        // chat+docs: week 2 only. chat+sheets: weeks 2 and 4. docs+sheets: weeks 0 and 2.
        Assert.Equal(1f, m.Value("synergy.chat_x_docs.weeks_both"));
        Assert.Equal(2f, m.Value("synergy.chat_x_sheets.weeks_both"));
        Assert.Equal(2f, m.Value("synergy.docs_x_sheets.weeks_both"));
        // Active weeks 0,1,2,3,4 = 5; multi-product weeks 0,2,4 = 3; share 3/5.
        Assert.Equal(5f, m.Value("synergy.active_weeks"));
        Assert.Equal(3f, m.Value("synergy.multi_product_weeks"));
        Assert.Equal(0.6f, m.Value("synergy.multi_product_week_share"));
    }

    [Fact]
    public void Build_stickiness_matches_hand_computed_streaks()
    {
        //   week: 7     6     5        4        3        2     1         0
        //         docs  -     docs+sh  docs+sh  docs+sh  docs  docs+chat docs+sh
        // multi:  no    no    yes      yes      yes      no    yes       yes
        var log = new TestLog().Account("a1", T - 90 * Day).User("u1", "a1", T - 90 * Day);
        log.Add("a1", "u1", Ago(7 * 7), "doc_created", "docs");
        foreach (var week in new[] { 5, 4, 3, 0 })
            log.Add("a1", "u1", Ago(week * 7), "doc_created", "docs").Add("a1", "u1", Ago(week * 7), "formula_used", "sheets");
        log.Add("a1", "u1", Ago(2 * 7), "doc_created", "docs");
        log.Add("a1", "u1", Ago(1 * 7), "doc_created", "docs").Add("a1", "u1", Ago(1 * 7), "chat_sent", "chat");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        // Current multi streak: weeks 0 and 1 = 2; longest: weeks 3-5 = 3.
        Assert.Equal(2f, m.Value("stickiness.multi_product_streak_current"));
        Assert.Equal(3f, m.Value("stickiness.multi_product_streak_longest"));
        // Last 8 weeks (0..7) with 2+ products: 0,1,3,4,5 = 5 of 8.
        Assert.Equal(0.625f, m.Value("stickiness.multi_product_share_8w"));
        // Active weeks in a row from week 0: 0..5 = 6 (week 6 is empty).
        Assert.Equal(6f, m.Value("stickiness.active_week_streak_current"));
        // docs first in week 7, used again later: returned. sheets first week 5, again week 0: returned.
        // chat only in week 1: not returned. 2 of 3.
        Assert.Equal(2f / 3f, m.Value("stickiness.return_rate"));
        // 7 active weeks (0-5 and 7) over 8 weeks since the first event.
        Assert.Equal(0.875f, m.Value("stickiness.active_week_share"));
    }
}
