using Pql.Core.Governance;

namespace Pql.Core.Tests.Governance;

public sealed class OverrideGuardrailTests
{
    private static readonly string[] s_tiers = ["high_touch", "assisted", "nurture"];
    private static readonly Dictionary<string, string> s_model = new() { ["a1"] = "nurture", ["a2"] = "assisted", ["a3"] = "high_touch" };
    private static readonly OverrideOptions s_options = new() { MaxEntitiesWithoutApproval = 3 };

    [Theory]
    [InlineData("a2", "high_touch", null)]
    [InlineData("a1", "assisted", null)]
    [InlineData("a1", "high_touch", "moves a1 2 tiers from nurture to high_touch")]
    [InlineData("a3", "nurture", "moves a3 2 tiers from high_touch to nurture")]
    [InlineData("new", "assisted", null)]
    [InlineData("new", "high_touch", "moves new 2 tiers from not scored to high_touch")]
    public void A_move_of_more_than_one_tier_waits(string entity, string tier, string? reason)
    {
        var why = OverrideGuardrail.ApprovalReason(s_tiers, s_model, [entity], tier, s_options);
        if (reason is null)
            Assert.Null(why);
        else
            Assert.StartsWith(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_n_entities_at_once_wait_even_to_suppress_and_n_do_not()
    {
        Assert.Null(OverrideGuardrail.ApprovalReason(s_tiers, s_model, ["a1", "a2", "a3"], null, s_options));
        Assert.StartsWith("4 entities at once", OverrideGuardrail.ApprovalReason(s_tiers, s_model, ["a1", "a2", "a3", "a4"], null, s_options), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_tier_is_refused() =>
        Assert.Throws<ArgumentException>(() => OverrideGuardrail.ApprovalReason(s_tiers, s_model, ["a1"], "vip", s_options));
}
