using Pql.Core.Scoring;

namespace Pql.Core.Tests.Scoring;

public sealed class TrainingFeedbackTests
{
    private static readonly string[] s_ids = ["a0", "a1", "a2", "a3"];

    [Fact]
    public void Disqualified_rows_are_left_out_during_the_cool_down_and_confirmed_mistakes_weigh_double_up_to_the_feedback()
    {
        // rows: (entity, cutoff, label)
        int[] entities = [0, 0, 1, 1, 1, 2, 2, 3];
        long[] cutoffs = [10, 20, 10, 20, 30, 10, 20, 10];
        byte[] labels = [0, 0, 0, 0, 1, 1, 0, 1];
        var feedback = new TrainingFeedback([
            new FeedbackSignal("a0", FeedbackKind.Disqualified, 25, 100),
            new FeedbackSignal("a1", FeedbackKind.FalsePositive, 20, null),   // rows at 10 and 20 with label 0; not the one at 30
            new FeedbackSignal("a2", FeedbackKind.FalseNegative, 25, null),   // the row with label 1 only
            new FeedbackSignal("a3", FeedbackKind.Disqualified, 5, 40),       // cool-down over at 50
        ], nowMs: 50);

        var (leftOut, weights, effect) = feedback.Apply(e => s_ids[e], entities, cutoffs, labels);

        Assert.Equal([true, true, false, false, false, false, false, false], leftOut);
        Assert.Equal([1f, 1f, 2f, 2f, 1f, 2f, 1f, 1f], weights);
        Assert.Equal(new FeedbackEffect(1, 2, 1, 1, 3), effect);
        Assert.Equal("1 disqualified in cool-down (2 rows left out), 1 false positive(s) and 1 false negative(s) (3 rows weighted x2)", effect.ToString());
    }
}
