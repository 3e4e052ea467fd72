using System.Globalization;

namespace Pql.Core.Scoring;

/// <summary>What sales or success said about a score.</summary>
public enum FeedbackKind
{
    /// <summary>Scored high, but the person who knows the account says it will not achieve the goal.</summary>
    FalsePositive,
    /// <summary>Scored low, but it is achieving (or will achieve) the goal.</summary>
    FalseNegative,
    /// <summary>Not a fit at all (wrong market, competitor, student...): kept out of training until the cool-down ends.</summary>
    Disqualified,
}

/// <summary>One piece of feedback as training reads it: which entity, what was said, when, and until when a disqualification lasts.</summary>
public sealed record FeedbackSignal(string EntityId, FeedbackKind Kind, long GivenMs, long? CoolDownUntilMs);

/// <summary>What feedback did to one training run, for the model card and the change log.</summary>
public sealed record FeedbackEffect(int Disqualified, int RowsLeftOut, int FalsePositives, int FalseNegatives, int RowsWeighted)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Disqualified} disqualified in cool-down ({RowsLeftOut} rows left out), {FalsePositives} false positive(s) and {FalseNegatives} false negative(s) ({RowsWeighted} rows weighted x{TrainingFeedback.Weight})");
}

/// <summary>
/// How the next retrain uses feedback from sales and success, per training row (entity, cutoff, label):
/// <list type="bullet">
/// <item>disqualified, while its cool-down lasts at training time: every row of the entity is left out of training and selection (it is not part
/// of the population the model is for); after the cool-down its rows come back;</item>
/// <item>false positive: the entity's rows with cutoff at or before the feedback and label 0 weigh <see cref="Weight"/> times as much: a person
/// confirmed the model was wrong to rank it high, so that mistake costs more;</item>
/// <item>false negative: likewise its rows with label 1 at or before the feedback;</item>
/// </list>
/// rows whose label contradicts the feedback keep weight 1 (the events win over an opinion). The effect goes to the model card's metadata
/// (<c>feedback</c>), so the change log can show it.
/// </summary>
public sealed class TrainingFeedback(IReadOnlyList<FeedbackSignal> signals, long nowMs)
{
    public const float Weight = 2f;

    public IReadOnlyList<FeedbackSignal> Signals { get; } = signals;

    /// <summary>
    /// Per row: left out (true) and weight multiplier, for the rows of <paramref name="entities"/> (store indexes named by
    /// <paramref name="idOf"/>) at <paramref name="cutoffs"/> with <paramref name="labels"/>.
    /// </summary>
    public (bool[] LeftOut, float[] Weights, FeedbackEffect Effect) Apply(Func<int, string> idOf, int[] entities, long[] cutoffs, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(idOf);
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(cutoffs);
        ArgumentNullException.ThrowIfNull(labels);
        var byEntity = new Dictionary<string, List<FeedbackSignal>>(StringComparer.Ordinal);
        foreach (var s in Signals)
        {
            if (!byEntity.TryGetValue(s.EntityId, out var list))
                byEntity[s.EntityId] = list = [];
            list.Add(s);
        }
        var leftOut = new bool[entities.Length];
        var weights = new float[entities.Length];
        Array.Fill(weights, 1f);
        int rowsLeftOut = 0, rowsWeighted = 0;
        for (var i = 0; i < entities.Length; i++)
        {
            if (!byEntity.TryGetValue(idOf(entities[i]), out var list))
                continue;
            foreach (var s in list)
            {
                if (s.Kind == FeedbackKind.Disqualified && s.CoolDownUntilMs > nowMs)
                    leftOut[i] = true;
                else if (cutoffs[i] <= s.GivenMs && labels[i] == (s.Kind == FeedbackKind.FalseNegative ? 1 : 0) && s.Kind != FeedbackKind.Disqualified)
                    weights[i] = Weight;
            }
            rowsLeftOut += leftOut[i] ? 1 : 0;
            rowsWeighted += !leftOut[i] && weights[i] != 1f ? 1 : 0;
        }
        var effect = new FeedbackEffect(
            Signals.Where(s => s.Kind == FeedbackKind.Disqualified && s.CoolDownUntilMs > nowMs).Select(s => s.EntityId).Distinct(StringComparer.Ordinal).Count(),
            rowsLeftOut,
            Signals.Count(s => s.Kind == FeedbackKind.FalsePositive),
            Signals.Count(s => s.Kind == FeedbackKind.FalseNegative),
            rowsWeighted);
        return (leftOut, weights, effect);
    }
}
