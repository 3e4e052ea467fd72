using Pql.Core.Events;

namespace Pql.Core.Features;

/// <summary>
/// The families a PLG analyst adds by hand on top of counts: rhythm of use, machine versus human activity, plan-limit and
/// pricing signals, the champion user and size-relative adoption. Each family is a handful of columns, never one per value,
/// so a small workspace does not get hundreds of new columns to overfit.
/// </summary>
public sealed partial class FeatureCatalogue
{
    /// <summary>Snake-case names of numeric account attributes read as company size when <c>features.size_attribute</c> is not set.</summary>
    private static readonly string[] s_sizeNames = ["employees", "employee_count", "num_employees", "headcount", "company_size", "size"];

    /// <summary>Days at the end of a month that count as month-end.</summary>
    private const int MonthEndDays = 5;

    /// <summary>Weeks the weekly rhythm columns look back.</summary>
    private const int RhythmWeeks = 8;

    private IEnumerable<FeatureDefinition> Cadence()
    {
        const FeatureFamilies f = FeatureFamilies.Cadence;
        var l = _config.WindowDays[^1];
        yield return new() { Name = "cadence.mean_gap_days", Family = f, Aggregation = Aggregation.MeanGapDays, Description = "Mean days between consecutive active days (the entity's usual rhythm)." };
        yield return new() { Name = "cadence.gap_variation", Family = f, Aggregation = Aggregation.GapVariation, Description = "Standard deviation over mean of the gaps between active days (0 = perfectly regular)." };
        yield return new() { Name = "cadence.longest_gap_days", Family = f, Aggregation = Aggregation.LongestGapDays, Description = "Longest gap in days between consecutive active days." };
        yield return new() { Name = "cadence.overdue_ratio", Family = f, Aggregation = Aggregation.OverdueRatio, Description = "Days since the last active day over the mean gap: above 1 the entity is late for its own rhythm (a month-end team 20 days quiet is not)." };
        yield return new() { Name = $"cadence.month_end_share_{D(l)}", Family = f, Aggregation = Aggregation.MonthEndShare, WindowDays = l, Parameter = MonthEndDays, Description = $"Share of active days in the last {l} days that fall in the last {MonthEndDays} days of their month." };
        yield return new() { Name = $"cadence.active_week_share_{RhythmWeeks}w", Family = f, Aggregation = Aggregation.RecentActiveWeekShare, Parameter = RhythmWeeks, Description = $"Share of the last {RhythmWeeks} weeks with any event." };
        yield return new() { Name = $"cadence.weekly_variation_{RhythmWeeks}w", Family = f, Aggregation = Aggregation.WeeklyVariation, Parameter = RhythmWeeks, Description = $"Standard deviation over mean of weekly event counts in the last {RhythmWeeks} weeks (0 = the same every week)." };
    }

    private IEnumerable<FeatureDefinition> Automation()
    {
        const FeatureFamilies f = FeatureFamilies.Automation;
        var m = _config.WindowDays[1];
        var names = AutomatedEvents.IsEmpty ? "none by name" : string.Join(", ", AutomatedEvents);
        yield return new() { Name = $"automation.machine_events_{D(m)}", Family = f, Aggregation = Aggregation.MachineCount, WindowDays = m, Description = $"Events in the last {m} days without a user or with an automated name ({names})." };
        yield return new() { Name = $"automation.human_events_{D(m)}", Family = f, Aggregation = Aggregation.HumanCount, WindowDays = m, Description = $"Events in the last {m} days by a user and not automated." };
        yield return new() { Name = $"automation.machine_share_{D(m)}", Family = f, Aggregation = Aggregation.MachineShare, WindowDays = m, Description = $"Machine events over all events in the last {m} days." };
        yield return new() { Name = "automation.days_since_last_human_event", Family = f, Aggregation = Aggregation.DaysSinceLastHuman, Description = "Days from the last human event to the cutoff (automations can keep an abandoned account looking active)." };
    }

    private IEnumerable<FeatureDefinition> Monetization()
    {
        const FeatureFamilies f = FeatureFamilies.Monetization;
        var m = _config.WindowDays[1];
        foreach (var (type, events) in new[] { ("limit", LimitEvents), ("pricing", PricingEvents) })
        {
            if (events.IsEmpty)
                continue; // no such events in the data: no columns rather than constant ones
            var filter = new EventFilter { Events = events };
            var label = type == "limit" ? "plan-limit" : "pricing";
            yield return new() { Name = $"monetization.{type}.events_{D(m)}", Family = f, Aggregation = Aggregation.Count, WindowDays = m, Filter = filter, Description = $"{label} events ({string.Join(", ", events)}) in the last {m} days." };
            yield return new() { Name = $"monetization.{type}.events_total", Family = f, Aggregation = Aggregation.Count, Filter = filter, Description = $"{label} events up to the cutoff." };
            yield return new() { Name = $"monetization.{type}.days_since_last", Family = f, Aggregation = Aggregation.DaysSinceLast, Filter = filter, Description = $"Days from the last {label} event to the cutoff." };
        }
    }

    private IEnumerable<FeatureDefinition> Champion()
    {
        const FeatureFamilies f = FeatureFamilies.Champion;
        var m = _config.WindowDays[1];
        yield return new() { Name = $"champion.top_user_event_share_{D(m)}", Family = f, Aggregation = Aggregation.UserTopShare, WindowDays = m, Level = EntityLevel.Account, Description = $"The most active user's share of the account's events in the last {m} days (1 = one champion does everything)." };
        yield return new() { Name = $"champion.top_user_day_share_{D(m)}", Family = f, Aggregation = Aggregation.UserTopDayShare, WindowDays = m, Level = EntityLevel.Account, Description = $"The most regular user's active days over the account's active days in the last {m} days." };
    }

    private IEnumerable<FeatureDefinition> Interaction()
    {
        if (SizeAttribute is not { } size)
            yield break;
        const FeatureFamilies f = FeatureFamilies.Interaction;
        var m = _config.WindowDays[1];
        yield return new() { Name = $"interaction.active_users_per_{Snake(size)}_{D(m)}", Family = f, Aggregation = Aggregation.PerAttributeUnit, Key = size, Parameter = 0, WindowDays = m, Level = EntityLevel.Account, Description = $"Users active in the last {m} days per unit of '{size}' (seat penetration)." };
        yield return new() { Name = $"interaction.users_per_{Snake(size)}", Family = f, Aggregation = Aggregation.PerAttributeUnit, Key = size, Parameter = 1, Level = EntityLevel.Account, Description = $"Users created by the cutoff per unit of '{size}'." };
        yield return new() { Name = $"interaction.events_per_{Snake(size)}_{D(m)}", Family = f, Aggregation = Aggregation.PerAttributeUnit, Key = size, Parameter = 2, WindowDays = m, Level = EntityLevel.Account, Description = $"Events in the last {m} days per unit of '{size}'." };
    }

    private static string? FindSizeAttribute(EventStore store, FeatureConfig config, HashSet<string> excluded)
    {
        foreach (var wanted in config.SizeAttribute is { } named ? [named] : s_sizeNames)
        {
            foreach (var a in store.AccountAttributes)
            {
                if (a.Kind == AttributeKind.Numeric && !excluded.Contains(a.Name)
                    && (config.SizeAttribute is null ? Snake(a.Name) == wanted : a.Name == wanted))
                    return a.Name;
            }
        }
        return null;
    }
}
