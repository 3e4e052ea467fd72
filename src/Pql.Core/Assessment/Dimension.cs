namespace Pql.Core.Assessment;

/// <summary>The five dimensions of PLG maturity, in the order the assessment asks about them.</summary>
public enum Dimension
{
    /// <summary>How product usage reaches marketing and sales systems.</summary>
    DataIntegration,

    /// <summary>How activation is defined, measured and driven.</summary>
    Activation,

    /// <summary>How much lifecycle messaging is triggered by behaviour in the product.</summary>
    UsageCampaigns,

    /// <summary>How promising free or trial accounts are found and handed to sales.</summary>
    ProductQualifiedLeads,

    /// <summary>How closely product and marketing work together.</summary>
    FeedbackLoop,
}
