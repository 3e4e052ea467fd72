using System.Collections.Immutable;
using System.Globalization;
using Pql.Core.Events;

namespace Pql.Core.Features;

public sealed partial class FeatureCatalogue
{
    private static string D(int days) => days.ToString(CultureInfo.InvariantCulture) + "d";

    private IEnumerable<FeatureDefinition> Activity()
    {
        const FeatureFamilies f = FeatureFamilies.Activity;
        foreach (var w in _config.WindowDays)
        {
            yield return new() { Name = $"activity.events_{D(w)}", Family = f, Aggregation = Aggregation.Count, WindowDays = w, Description = $"Events in the last {w} days." };
            yield return new() { Name = $"activity.active_days_{D(w)}", Family = f, Aggregation = Aggregation.ActiveDays, WindowDays = w, Description = $"Distinct UTC days with an event in the last {w} days." };
            yield return new() { Name = $"activity.active_users_{D(w)}", Family = f, Aggregation = Aggregation.ActiveUsers, WindowDays = w, Level = EntityLevel.Account, Description = $"Distinct users with an event in the last {w} days." };
        }
        yield return new() { Name = "activity.events_total", Family = f, Aggregation = Aggregation.Count, Description = "Events up to the cutoff." };
        yield return new() { Name = "activity.active_days_total", Family = f, Aggregation = Aggregation.ActiveDays, Description = "Distinct UTC days with an event up to the cutoff." };
        yield return new() { Name = "activity.days_since_last_event", Family = f, Aggregation = Aggregation.DaysSinceLast, Description = "Days from the last event to the cutoff." };
        yield return new() { Name = "activity.days_since_first_event", Family = f, Aggregation = Aggregation.DaysSinceFirst, Description = "Days from the first event to the cutoff." };
        int s = _config.WindowDays[0], m = _config.WindowDays[1];
        yield return new() { Name = $"activity.trend_{D(s)}_vs_{D(m)}", Family = f, Aggregation = Aggregation.RateRatio, WindowDays = s, BaselineDays = m, Description = $"Daily event rate in the last {s} days over the rate in the last {m} days (1 = steady)." };
        yield return new() { Name = "activity.weekly_slope_8w", Family = f, Aggregation = Aggregation.WeeklySlope, Parameter = 8, Description = "Week-over-week slope of weekly event counts over the last 8 weeks (least squares)." };
        yield return new() { Name = $"activity.user_events_{D(m)}_max", Family = f, Aggregation = Aggregation.UserMaxCount, WindowDays = m, Level = EntityLevel.Account, Description = $"Events of the account's most active user in the last {m} days." };
        yield return new() { Name = $"activity.user_events_{D(m)}_mean", Family = f, Aggregation = Aggregation.UserMeanCount, WindowDays = m, Level = EntityLevel.Account, Description = $"Mean events per active user in the last {m} days." };
        yield return new() { Name = $"activity.user_active_days_{D(m)}_max", Family = f, Aggregation = Aggregation.UserMaxActiveDays, WindowDays = m, Level = EntityLevel.Account, Description = $"Active days of the account's most regular user in the last {m} days." };
        yield return new() { Name = $"activity.user_active_days_{D(m)}_mean", Family = f, Aggregation = Aggregation.UserMeanActiveDays, WindowDays = m, Level = EntityLevel.Account, Description = $"Mean active days per active user in the last {m} days." };
    }

    private IEnumerable<FeatureDefinition> ProductFamily()
    {
        const FeatureFamilies f = FeatureFamilies.Product;
        var m = _config.WindowDays[1];
        foreach (var p in Products)
        {
            var filter = new EventFilter { Product = p };
            var key = $"product.{ProductKey(p)}";
            foreach (var w in _config.WindowDays)
            {
                yield return new() { Name = $"{key}.events_{D(w)}", Family = f, Aggregation = Aggregation.Count, WindowDays = w, Filter = filter, Description = $"Events of product {p} in the last {w} days." };
                yield return new() { Name = $"{key}.active_days_{D(w)}", Family = f, Aggregation = Aggregation.ActiveDays, WindowDays = w, Filter = filter, Description = $"Days with use of product {p} in the last {w} days." };
            }
            yield return new() { Name = $"{key}.active_users_{D(m)}", Family = f, Aggregation = Aggregation.ActiveUsers, WindowDays = m, Filter = filter, Level = EntityLevel.Account, Description = $"Users of product {p} in the last {m} days." };
            yield return new() { Name = $"{key}.events_total", Family = f, Aggregation = Aggregation.Count, Filter = filter, Description = $"Events of product {p} up to the cutoff." };
            yield return new() { Name = $"{key}.days_since_last_active_day", Family = f, Aggregation = Aggregation.DaysSinceLastActiveDay, Filter = filter, Description = $"Whole days from the last day product {p} was used to the cutoff's day." };
        }
    }

    private IEnumerable<FeatureDefinition> KindFamily()
    {
        const FeatureFamilies f = FeatureFamilies.Kind;
        foreach (var k in EventKindNames.All)
        {
            var filter = new EventFilter { Kind = k };
            var name = EventKindNames.Of(k);
            foreach (var w in _config.WindowDays)
            {
                yield return new() { Name = $"kind.{name}.events_{D(w)}", Family = f, Aggregation = Aggregation.Count, WindowDays = w, Filter = filter, Description = $"{name} events in the last {w} days." };
                yield return new() { Name = $"kind.{name}.active_days_{D(w)}", Family = f, Aggregation = Aggregation.ActiveDays, WindowDays = w, Filter = filter, Description = $"Days with {name} events in the last {w} days." };
            }
            yield return new() { Name = $"kind.{name}.events_total", Family = f, Aggregation = Aggregation.Count, Filter = filter, Description = $"{name} events up to the cutoff." };
        }
    }

    private IEnumerable<FeatureDefinition> Adoption()
    {
        const FeatureFamilies f = FeatureFamilies.Adoption;
        yield return new() { Name = "adoption.products_adopted", Family = f, Aggregation = Aggregation.ProductsAdopted, Description = "Products used at least once." };
        string[] ordinals = ["first", "second", "third"];
        for (var i = 1; i <= 3; i++)
            yield return new() { Name = $"adoption.{ordinals[i - 1]}_product", Family = f, Aggregation = Aggregation.AdoptedProductAt, Parameter = i, Kind = Features.FeatureKind.Categorical, Levels = Products, Description = $"The {ordinals[i - 1]} product the entity used (categorical)." };
        var depth = Products.Count <= 7 ? 3 : 2;
        yield return new() { Name = "adoption.product_order", Family = f, Aggregation = Aggregation.AdoptionOrder, Parameter = depth, Kind = Features.FeatureKind.Categorical, Levels = [.. OrderSequences(Products.Count, depth).Select(seq => string.Join('>', seq.Select(i => Products[i])))], Description = $"The first {depth} products in adoption order, e.g. a>b (categorical)." };
        yield return new() { Name = "adoption.days_first_to_second", Family = f, Aggregation = Aggregation.DaysBetweenAdoptions, Parameter = 2, Description = "Days from the first product's first use to the second's." };
        yield return new() { Name = "adoption.days_second_to_third", Family = f, Aggregation = Aggregation.DaysBetweenAdoptions, Parameter = 3, Description = "Days from the second product's first use to the third's." };
        yield return new() { Name = "adoption.days_signup_to_first_product", Family = f, Aggregation = Aggregation.DaysSignupToAdoption, Parameter = 1, Description = "Days from signup to the first product's first use." };
        yield return new() { Name = "adoption.days_signup_to_second_product", Family = f, Aggregation = Aggregation.DaysSignupToAdoption, Parameter = 2, Description = "Days from signup to the second product's first use." };
        foreach (var p in Products)
        {
            yield return new() { Name = $"adoption.{ProductKey(p)}.rank", Family = f, Aggregation = Aggregation.AdoptionRank, ProductA = p, Description = $"Position at which product {p} was adopted (1 = first)." };
            yield return new() { Name = $"adoption.{ProductKey(p)}.days_since_adopted", Family = f, Aggregation = Aggregation.DaysSinceFirst, Filter = new EventFilter { Product = p }, Description = $"Days from the first use of product {p} to the cutoff." };
        }
    }

    private IEnumerable<FeatureDefinition> Synergy()
    {
        const FeatureFamilies f = FeatureFamilies.Synergy;
        for (var a = 0; a < PairProducts.Count; a++)
        {
            for (var b = a + 1; b < PairProducts.Count; b++)
            {
                string pa = PairProducts[a], pb = PairProducts[b];
                yield return new() { Name = $"synergy.{ProductKey(pa)}_x_{ProductKey(pb)}.weeks_both", Family = f, Aggregation = Aggregation.WeeksBoth, ProductA = pa, ProductB = pb, Description = $"Weeks in which both {pa} and {pb} were used." };
            }
        }
        yield return new() { Name = "synergy.active_weeks", Family = f, Aggregation = Aggregation.ActiveWeeks, Description = "Weeks (7-day periods ending at the cutoff) with any event." };
        yield return new() { Name = "synergy.multi_product_weeks", Family = f, Aggregation = Aggregation.MultiProductWeeks, Description = "Weeks with two or more products used." };
        yield return new() { Name = "synergy.multi_product_week_share", Family = f, Aggregation = Aggregation.MultiProductWeekShare, Description = "Multi-product weeks over active weeks." };
    }

    private static IEnumerable<FeatureDefinition> Stickiness()
    {
        const FeatureFamilies f = FeatureFamilies.Stickiness;
        yield return new() { Name = "stickiness.multi_product_streak_current", Family = f, Aggregation = Aggregation.StreakCurrent, Parameter = 2, Description = "Consecutive multi-product weeks ending in the cutoff's week." };
        yield return new() { Name = "stickiness.multi_product_streak_longest", Family = f, Aggregation = Aggregation.StreakLongest, Parameter = 2, Description = "Longest run of consecutive multi-product weeks." };
        yield return new() { Name = "stickiness.multi_product_share_8w", Family = f, Aggregation = Aggregation.MultiProductShareRecentWeeks, Parameter = 8, Description = "Share of the last 8 weeks with two or more products used." };
        yield return new() { Name = "stickiness.active_week_streak_current", Family = f, Aggregation = Aggregation.StreakCurrent, Parameter = 1, Description = "Consecutive active weeks ending in the cutoff's week." };
        yield return new() { Name = "stickiness.return_rate", Family = f, Aggregation = Aggregation.ReturnRate, Description = "Share of adopted products used again in a later week than their first use." };
        yield return new() { Name = "stickiness.active_week_share", Family = f, Aggregation = Aggregation.ActiveWeekShare, Description = "Active weeks over weeks since the first event." };
    }

    private IEnumerable<FeatureDefinition> Integration()
    {
        const FeatureFamilies f = FeatureFamilies.Integration;
        var filter = new EventFilter { Kind = EventKind.Integration };
        var key = _config.IntegrationKindProperty;
        var m = _config.WindowDays[1];
        yield return new() { Name = "integration.distinct_integrations", Family = f, Aggregation = Aggregation.DistinctValues, Filter = filter, Key = key, Description = $"Distinct integrations added (by the '{key}' property, else the event name)." };
        yield return new() { Name = "integration.integrations_added", Family = f, Aggregation = Aggregation.Count, Filter = filter, Description = "Integration events up to the cutoff." };
        yield return new() { Name = "integration.reconnects", Family = f, Aggregation = Aggregation.Reconnects, Filter = filter, Key = key, Description = $"Integration events beyond the first of each integration (by '{key}'): reconnects rather than new integrations." };
        yield return new() { Name = $"integration.integrations_added_{D(m)}", Family = f, Aggregation = Aggregation.Count, Filter = filter, WindowDays = m, Description = $"Integration events in the last {m} days." };
        yield return new() { Name = "integration.days_since_first_integration", Family = f, Aggregation = Aggregation.DaysSinceFirst, Filter = filter, Description = "Days from the first integration to the cutoff." };
        yield return new() { Name = "integration.days_since_last_integration", Family = f, Aggregation = Aggregation.DaysSinceLast, Filter = filter, Description = "Days from the latest integration to the cutoff." };
        yield return new() { Name = $"integration.per_active_user_{D(m)}", Family = f, Aggregation = Aggregation.DistinctValuesPerActiveUser, Filter = filter, Key = key, WindowDays = m, Level = EntityLevel.Account, Description = $"Distinct integrations per user active in the last {m} days." };
        foreach (var v in IntegrationKinds)
            yield return new() { Name = $"integration.{Snake(v)}.added", Family = f, Aggregation = Aggregation.CountOfValue, Filter = filter, Key = key, Value = v, Description = $"Integration events with {key} = {v}." };
    }

    private IEnumerable<FeatureDefinition> Collaboration()
    {
        const FeatureFamilies f = FeatureFamilies.Collaboration;
        var invites = new EventFilter { Events = InviteEvents };
        var shares = new EventFilter { Events = ShareEvents };
        var creators = new EventFilter { Events = CreatorEvents };
        var m = _config.WindowDays[1];
        yield return new() { Name = $"collaboration.invites_sent_{D(m)}", Family = f, Aggregation = Aggregation.Count, Filter = invites, WindowDays = m, Description = $"Invites sent in the last {m} days." };
        yield return new() { Name = "collaboration.invites_sent_total", Family = f, Aggregation = Aggregation.Count, Filter = invites, Description = "Invites sent up to the cutoff." };
        yield return new() { Name = $"collaboration.shares_{D(m)}", Family = f, Aggregation = Aggregation.Count, Filter = shares, WindowDays = m, Description = $"Shares in the last {m} days." };
        yield return new() { Name = "collaboration.shares_total", Family = f, Aggregation = Aggregation.Count, Filter = shares, Description = "Shares up to the cutoff." };
        yield return new() { Name = "collaboration.invites_outstanding", Family = f, Aggregation = Aggregation.InvitesOutstanding, Filter = invites, Level = EntityLevel.Account, Description = "Invites sent minus users who joined after the first invite (invites not yet accepted)." };
        yield return new() { Name = "collaboration.invite_acceptance", Family = f, Aggregation = Aggregation.InviteAcceptance, Filter = invites, Level = EntityLevel.Account, Description = "Users who joined after the first invite over invites sent." };
        yield return new() { Name = "collaboration.invitees_active", Family = f, Aggregation = Aggregation.InviteesActive, Filter = invites, Level = EntityLevel.Account, Description = "Users created after the account's first invite who have an event by the cutoff." };
        yield return new() { Name = "collaboration.distinct_creators", Family = f, Aggregation = Aggregation.ActiveUsers, Filter = creators, Level = EntityLevel.Account, Description = "Users who created something (creator events) up to the cutoff." };
        yield return new() { Name = "collaboration.is_creator", Family = f, Aggregation = Aggregation.ActiveUsers, Filter = creators, Level = EntityLevel.User, Description = "1 when the user created something (creator events) by the cutoff." };
        yield return new() { Name = $"collaboration.creators_{D(m)}", Family = f, Aggregation = Aggregation.ActiveUsers, Filter = creators, WindowDays = m, Level = EntityLevel.Account, Description = $"Users who created something in the last {m} days." };
        yield return new() { Name = "collaboration.creator_share", Family = f, Aggregation = Aggregation.ActiveUserShare, Filter = creators, Level = EntityLevel.Account, Description = "Creators over users created by the cutoff." };
        yield return new() { Name = $"collaboration.users_added_{D(m)}", Family = f, Aggregation = Aggregation.UsersAdded, WindowDays = m, Level = EntityLevel.Account, Description = $"Users of the account created in the last {m} days." };
        yield return new() { Name = "collaboration.users_total", Family = f, Aggregation = Aggregation.UsersTotal, Level = EntityLevel.Account, Description = "Users of the account created by the cutoff." };
    }

    /// <summary>
    /// "Turn all the data into features": every frequent event name gets its counts in each window and the days since
    /// it last happened, so a signal no product or kind claims (a pricing-page view, a plan-limit hit, a login) is
    /// visible on its own; rarer names share one pooled set.
    /// </summary>
    private IEnumerable<FeatureDefinition> EventNameFamily()
    {
        const FeatureFamilies f = FeatureFamilies.EventName;
        var used = new HashSet<string>(StringComparer.Ordinal);
        var sets = NamedEvents.Select(n => (Key: Snake(n), Label: $"'{n}'", Events: ImmutableArray.Create(n))).ToList();
        if (!PooledEvents.IsEmpty)
            sets.Add(("other_names", $"rarer event names ({PooledEvents.Length})", PooledEvents));
        foreach (var (baseKey, label, events) in sets)
        {
            var key = baseKey;
            for (var n = 2; !used.Add(key); n++)
                key = baseKey + "_" + n.ToString(CultureInfo.InvariantCulture);
            var filter = new EventFilter { Events = events };
            foreach (var w in _config.WindowDays)
                yield return new() { Name = $"event.{key}.count_{D(w)}", Family = f, Aggregation = Aggregation.Count, WindowDays = w, Filter = filter, Description = $"{label} events in the last {w} days." };
            yield return new() { Name = $"event.{key}.days_since_last", Family = f, Aggregation = Aggregation.DaysSinceLast, Filter = filter, Description = $"Days from the last {label} event to the cutoff." };
        }
    }

    /// <summary>
    /// Daily values of the metrics table (usage rolled up outside the engine): per frequent metric name, and for the rarer names
    /// pooled, the sum, mean and trend of the daily values in each window and the last value with its age. Only whole days
    /// before the cutoff's day are read. <see cref="FeatureDefinition.Key"/> is the metric name, null for the pooled set.
    /// </summary>
    private IEnumerable<FeatureDefinition> MetricFamily()
    {
        const FeatureFamilies f = FeatureFamilies.Metric;
        var used = new HashSet<string>(StringComparer.Ordinal);
        var sets = NamedMetrics.Select(n => (Key: Snake(n), Label: $"'{n}'", Metric: (string?)n)).ToList();
        if (!PooledMetrics.IsEmpty)
            sets.Add(("other_metrics", $"rarer metrics ({PooledMetrics.Length}) summed", null));
        foreach (var (baseKey, label, metric) in sets)
        {
            var key = baseKey;
            for (var n = 2; !used.Add(key); n++)
                key = baseKey + "_" + n.ToString(CultureInfo.InvariantCulture);
            foreach (var w in _config.WindowDays)
            {
                yield return new() { Name = $"metric.{key}.sum_{D(w)}", Family = f, Aggregation = Aggregation.MetricSum, WindowDays = w, Key = metric, Description = $"Sum of the daily {label} values over the last {w} whole days before the cutoff's day." };
                yield return new() { Name = $"metric.{key}.mean_{D(w)}", Family = f, Aggregation = Aggregation.MetricMean, WindowDays = w, Key = metric, Description = $"Mean daily {label} value over the days with a value among the last {w} whole days." };
                yield return new() { Name = $"metric.{key}.trend_{D(w)}", Family = f, Aggregation = Aggregation.MetricTrend, WindowDays = w, Key = metric, Description = $"Least-squares slope of the daily {label} value per day over the last {w} whole days (days with a value)." };
            }
            yield return new() { Name = $"metric.{key}.last", Family = f, Aggregation = Aggregation.MetricLast, Key = metric, Description = $"The latest daily {label} value before the cutoff's day." };
            yield return new() { Name = $"metric.{key}.days_since_last", Family = f, Aggregation = Aggregation.MetricDaysSinceLast, Key = metric, Description = $"Whole days from the latest day with a {label} value to the cutoff's day." };
        }
    }

    private static IEnumerable<FeatureDefinition> Firmographics(EventStore store, HashSet<string> excluded)
    {
        const FeatureFamilies f = FeatureFamilies.Firmographics;
        yield return new() { Name = "firmo.account_age_days", Family = f, Aggregation = Aggregation.AgeDays, Value = "account", Description = "Days from the account's creation to the cutoff." };
        yield return new() { Name = "firmo.user_age_days", Family = f, Aggregation = Aggregation.AgeDays, Value = "user", Level = EntityLevel.User, Description = "Days from the user's creation to the cutoff." };
        foreach (var d in Attributes(store.AccountAttributes, excluded, "firmo.", "account", EntityLevel.Both))
            yield return d;
        foreach (var d in Attributes(store.UserAttributes, excluded, "firmo.user_", "user", EntityLevel.User))
            yield return d;
    }

    private static IEnumerable<FeatureDefinition> Attributes(IReadOnlyList<AttributeColumn> columns, HashSet<string> excluded, string prefix, string owner, EntityLevel level)
    {
        foreach (var a in columns.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (excluded.Contains(a.Name) || a.Kind == AttributeKind.Timestamp)
                continue;
            if (a.Kind == AttributeKind.Numeric)
            {
                yield return new() { Name = prefix + Snake(a.Name), Family = FeatureFamilies.Firmographics, Aggregation = Aggregation.AttributeValue, Key = a.Name, Value = owner, Level = level, Description = $"The {owner} attribute '{a.Name}' (numeric)." };
            }
            else if (a.Levels.Count <= MaxAttributeLevels && !IsIdentifier(a))
            {
                yield return new() { Name = prefix + Snake(a.Name), Family = FeatureFamilies.Firmographics, Aggregation = Aggregation.AttributeValue, Key = a.Name, Value = owner, Level = level, Kind = Features.FeatureKind.Categorical, Levels = a.Levels.Values, Description = $"The {owner} attribute '{a.Name}' (categorical)." };
            }
        }
    }

    /// <summary>A categorical column whose every value is distinct over more than 10 rows (names, emails) says nothing general.</summary>
    private static bool IsIdentifier(AttributeColumn a)
    {
        var present = 0;
        foreach (var code in a.Codes)
        {
            if (code >= 0)
                present++;
        }
        return present > 10 && a.Levels.Count == present;
    }

    /// <summary>Ordered sequences of 1..depth distinct product indices: singles first, then pairs, then triples.</summary>
    internal static List<int[]> OrderSequences(int products, int depth)
    {
        var sequences = new List<int[]>();
        for (var len = 1; len <= depth; len++)
            Enumerate(products, len, [], sequences);
        return sequences;
    }

    private static void Enumerate(int products, int len, List<int> prefix, List<int[]> sequences)
    {
        if (prefix.Count == len)
        {
            sequences.Add([.. prefix]);
            return;
        }
        for (var p = 0; p < products; p++)
        {
            if (prefix.Contains(p))
                continue;
            prefix.Add(p);
            Enumerate(products, len, prefix, sequences);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }
}
