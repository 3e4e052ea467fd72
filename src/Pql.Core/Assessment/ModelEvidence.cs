namespace Pql.Core.Assessment;

/// <summary>
/// What the engine's state says about PQL models, filled in by the caller when a state store is available.
/// Every figure is optional; null means "not known", never zero.
/// </summary>
/// <param name="Goal">The goal the facts are about (e.g. conversion).</param>
/// <param name="HasModel">A model is registered for the goal (or has stored scoring runs).</param>
/// <param name="TracksConversion">The model's scores are stored and the goal's outcome shows in the data, so whether
/// scored leads convert can be followed.</param>
/// <param name="Lift">Observed after scoring: the top tier's conversion rate over the scored entities' rate
/// (1 = no better than random).</param>
/// <param name="HighTierConversionShare">Observed after scoring: share (0-1) of conversions that came from the high tiers.</param>
/// <param name="Conversions">Conversions observed after the scoring run the two figures above are read on.</param>
/// <param name="HeldOutLift">Lift of the top decile on the held-out validation cutoff when the model was trained.</param>
public sealed record ModelEvidence(
    string? Goal,
    bool HasModel,
    bool TracksConversion,
    double? Lift = null,
    double? HighTierConversionShare = null,
    int? Conversions = null,
    double? HeldOutLift = null)
{
    /// <summary>The lift to judge the model by: observed after scoring when known, else the held-out one.</summary>
    public double? BestLift => Lift ?? HeldOutLift;
}
