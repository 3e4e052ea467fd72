using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="IFeedback"/> must do: keep each piece with who and when, per goal, in order, and audit it.</summary>
public abstract class FeedbackContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    [ServerFact]
    public async Task Feedback_is_kept_with_who_and_when_per_goal_in_order_and_audited()
    {
        var coolDown = Now + 86_400_000L * 90;
        var first = await Store.RecordFeedbackAsync("conversion", "a1", FeedbackKind.Disqualified, "student project", coolDown, Alice);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await Open().RecordFeedbackAsync("conversion", "a2", FeedbackKind.FalsePositive, "no budget this year", null, Actor.Named("bob"));
        await Store.RecordFeedbackAsync("expansion", "a1", FeedbackKind.FalseNegative, "asked for 40 seats", null, Alice);

        var list = await Store.FeedbackAsync("conversion");
        Assert.Equal([FeedbackKind.Disqualified, FeedbackKind.FalsePositive], list.Select(f => f.Kind));
        Assert.Equal(first, list[0]);
        Assert.Equal((coolDown, "user:alice"), (list[0].CoolDownUntilMs!.Value, list[0].By));
        Assert.Equal((null, "user:bob", Now), (list[1].CoolDownUntilMs, list[1].By, list[1].CreatedMs));
        Assert.Single(await Store.FeedbackAsync("expansion"));
        var audit = await Store.AuditAsync(3);
        Assert.All(audit, a => Assert.Equal("feedback", a.Action));
        Assert.Contains("a1: disqualified (cool-down until", audit[2].Detail, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task Feedback_without_a_reason_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordFeedbackAsync("conversion", "a1", FeedbackKind.FalsePositive, " ", null, Alice));
        Assert.Empty(await Store.FeedbackAsync("conversion"));
    }
}
