namespace Pql.Core.Features;

/// <summary>The feature families; combine flags to restrict a build (e.g. <see cref="Activity"/> alone for a baseline).</summary>
[Flags]
public enum FeatureFamilies
{
    None = 0,
    /// <summary>Events, active days and active users in windows; recency; trend; per-user roll-ups.</summary>
    Activity = 1,
    /// <summary>Per product: counts, active days, active users, recency.</summary>
    Product = 2,
    /// <summary>Per event kind (feature use, integration, collaboration, lifecycle): counts and active days.</summary>
    Kind = 4,
    /// <summary>Adoption sequence: first products, their order, time between adoptions.</summary>
    Adoption = 8,
    /// <summary>Weeks in which product pairs are used together; share of multi-product weeks.</summary>
    Synergy = 16,
    /// <summary>Streaks of multi-product weeks, recent multi-product share, return rate.</summary>
    Stickiness = 32,
    /// <summary>Integration depth: distinct integrations, by kind, time since the first.</summary>
    Integration = 64,
    /// <summary>Invites, shares, creators, workspace growth.</summary>
    Collaboration = 128,
    /// <summary>Account (and user) attributes and age.</summary>
    Firmographics = 256,
    /// <summary>Per event name: counts in each window and days since the last one (rare names pooled).</summary>
    EventName = 512,
    All = Activity | Product | Kind | Adoption | Synergy | Stickiness | Integration | Collaboration | Firmographics | EventName,
}
