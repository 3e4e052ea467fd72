using Pql.Core.Governance;

namespace Pql.Core.Tests.Governance;

public sealed class PromotionGuardrailTests
{
    private static readonly PromotionOptions s_defaults = new();

    [Theory]
    [InlineData(0.800, 0.7951, 0.05, true)]    // 0.0049 below: within 0.005
    [InlineData(0.800, 0.7949, 0.05, false)]   // 0.0051 below: waits
    [InlineData(0.800, 0.850, 0.05, true)]     // better
    [InlineData(0.800, 0.850, 0.20, false)]    // better, but a fifth of the entities change tier
    [InlineData(0.800, 0.850, 0.199, true)]
    public void Promotes_automatically_only_within_the_metric_drop_and_below_the_tier_move_share(double current, double candidate, double moved, bool automatic)
    {
        var decision = PromotionGuardrail.Decide(current, candidate, moved, s_defaults);

        Assert.Equal(automatic, decision.Automatic);
    }

    [Fact]
    public void The_first_version_is_promoted_and_a_configured_drop_is_honoured()
    {
        Assert.True(PromotionGuardrail.Decide(null, 0.5, 1.0, s_defaults).Automatic);
        var strict = PromotionGuardrail.Decide(0.8, 0.799, 0.0, new PromotionOptions { MaxMetricDrop = 0 });
        Assert.False(strict.Automatic);
        Assert.Contains("0.0010 below", strict.Reason, StringComparison.Ordinal);
    }
}
