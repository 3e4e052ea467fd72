using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

public sealed partial class FeatureEngineTests
{
    [Fact]
    public void Build_adoption_sequence_matches_hand_computed_values()
    {
        // a1 signs up at T-60d. First uses: docs at T-50d, sheets at T-40d, chat at T-10d (a docs event at T-45d
        // does not change the order; a sheets event after T is invisible). a2 only ever uses sheets.
        var log = new TestLog()
            .Account("a1", T - 60 * Day).User("u1", "a1", T - 60 * Day).User("u2", "a1", T - 60 * Day)
            .Account("a2", T - 30 * Day).User("v1", "a2", T - 30 * Day)
            .Add("a1", "u1", T - 50 * Day, "doc_created", "docs")
            .Add("a1", "u1", T - 45 * Day, "doc_created", "docs")
            .Add("a1", "u2", T - 40 * Day, "sheet_created", "sheets")
            .Add("a1", "u1", T - 10 * Day, "chat_sent", "chat")
            .Add("a1", "u2", T + 1 * Day, "sheet_created", "sheets")
            .Add("a2", "v1", T - 20 * Day, "sheet_created", "sheets");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1", "a2");

        // a1: three products; order docs > sheets > chat.
        Assert.Equal(3f, m.Value("adoption.products_adopted"));
        Assert.Equal("docs", m.Level("adoption.first_product"));
        Assert.Equal("sheets", m.Level("adoption.second_product"));
        Assert.Equal("chat", m.Level("adoption.third_product"));
        Assert.Equal("docs>sheets>chat", m.Level("adoption.product_order"));
        // docs (T-50d) -> sheets (T-40d) = 10 days; sheets -> chat (T-10d) = 30 days.
        Assert.Equal(10f, m.Value("adoption.days_first_to_second"));
        Assert.Equal(30f, m.Value("adoption.days_second_to_third"));
        // signup T-60d -> docs T-50d = 10 days; -> sheets T-40d = 20 days.
        Assert.Equal(10f, m.Value("adoption.days_signup_to_first_product"));
        Assert.Equal(20f, m.Value("adoption.days_signup_to_second_product"));
        Assert.Equal(1f, m.Value("adoption.docs.rank"));
        Assert.Equal(2f, m.Value("adoption.sheets.rank"));
        Assert.Equal(3f, m.Value("adoption.chat.rank"));
        Assert.Equal(50f, m.Value("adoption.docs.days_since_adopted"));

        // a2: only sheets, first used T-20d, signup T-30d; no second product.
        Assert.Equal(1f, m.Value("adoption.products_adopted", 1));
        Assert.Equal("sheets", m.Level("adoption.first_product", 1));
        Assert.Null(m.Level("adoption.second_product", 1));
        Assert.Equal("sheets", m.Level("adoption.product_order", 1));
        Assert.True(float.IsNaN(m.Value("adoption.days_first_to_second", 1)));
        Assert.True(float.IsNaN(m.Value("adoption.docs.rank", 1)));
        Assert.Equal(10f, m.Value("adoption.days_signup_to_first_product", 1));
    }

    [Fact]
    public void Build_adoption_at_earlier_cutoff_sees_only_the_first_product()
    {
        // At T-42d a1 has used docs only (T-50d, T-45d); sheets comes at T-40d, after the cutoff.
        var log = new TestLog()
            .Account("a1", T - 60 * Day).User("u1", "a1", T - 60 * Day)
            .Add("a1", "u1", T - 50 * Day, "doc_created", "docs")
            .Add("a1", "u1", T - 45 * Day, "doc_created", "docs")
            .Add("a1", "u1", T - 40 * Day, "sheet_created", "sheets");

        var m = Matrix(log.Build(), EntityKind.Account, T - 42 * Day, "a1");

        Assert.Equal(1f, m.Value("adoption.products_adopted"));
        Assert.Equal("docs", m.Level("adoption.product_order"));
        Assert.True(float.IsNaN(m.Value("adoption.sheets.rank")));
        // Cutoff T-42d, docs first used T-50d: 8 days.
        Assert.Equal(8f, m.Value("adoption.docs.days_since_adopted"));
    }
}
