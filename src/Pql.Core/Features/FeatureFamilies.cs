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
    /// <summary>Rhythm of use: gaps between active days, lateness against the entity's own rhythm, month-end and weekly regularity.</summary>
    Cadence = 1024,
    /// <summary>Machine activity (events without a user, automated event names) versus human activity.</summary>
    Automation = 2048,
    /// <summary>Plan-limit and pricing events by type: counts and recency (only when such events exist).</summary>
    Monetization = 4096,
    /// <summary>Concentration of the account's activity on one champion user.</summary>
    Champion = 8192,
    /// <summary>Firmographic interactions: users and activity per unit of company size.</summary>
    Interaction = 16384,
    /// <summary>Per metric name of the metrics table (rare names pooled): sum, mean and trend of daily values in each window, last value.</summary>
    Metric = 32768,
    All = Activity | Product | Kind | Adoption | Synergy | Stickiness | Integration | Collaboration | Firmographics | EventName
        | Cadence | Automation | Monetization | Champion | Interaction | Metric,
}
