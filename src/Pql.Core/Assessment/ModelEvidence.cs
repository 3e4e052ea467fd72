namespace Pql.Core.Assessment;

/// <summary>
/// What the engine's state says about PQL models, filled in by the caller when a state store is available.
/// Every figure is optional; null means "not known", never zero.
/// </summary>
/// <param name="Goal">The goal the facts are about (e.g. conversion).</param>
/// <param name="HasModel">A trained model is registered for the goal.</param>
/// <param name="TracksConversion">The goal's outcomes are recorded, so the model's conversion is tracked.</param>
/// <param name="Lift">How many times the top tier converts relative to the base rate (1 = no better than random).</param>
/// <param name="HighTierConversionShare">Share (0-1) of conversions that came from the high tiers.</param>
/// <param name="Conversions">Number of conversions the shares are computed over.</param>
public sealed record ModelEvidence(
    string? Goal,
    bool HasModel,
    bool TracksConversion,
    double? Lift = null,
    double? HighTierConversionShare = null,
    int? Conversions = null);
