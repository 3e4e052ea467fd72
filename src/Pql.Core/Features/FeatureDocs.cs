using System.Globalization;
using System.Text;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Features;

/// <summary>
/// Generates docs/FEATURES.md from the catalogue itself, so the documentation is the definitions. It uses a
/// reference store with products <c>docs</c> and <c>sheets</c>, integration <c>slack</c> and attributes
/// <c>employees</c>, <c>segment</c> and (users) <c>role</c>; a workspace gets the same features for its own names.
/// </summary>
public static class FeatureDocs
{
    public static string Markdown()
    {
        var store = ReferenceStore();
        var catalogue = new FeatureCatalogue(store, FeatureConfig.Default, null);
        var sb = new StringBuilder();
        sb.Append("""
            # Features

            <!-- Generated from the feature catalogue (src/Pql.Core/Features). Do not edit by hand: run
                 PQL_UPDATE_DOCS=1 dotnet test tests/Pql.Core.Tests --filter FeatureDocsTests
                 to regenerate; that test fails while this file is stale. -->

            Every feature is a declarative definition (family, window, event filter, aggregation, entity level) that the
            in-memory evaluator reads; a SQL generator can read the same definitions. Each row is an (entity, cutoff T)
            pair and reads only events with time <= T. A window of N days is (T - N days, T]; "all" is all history up to T.
            Weeks are 7-day periods ending at T (week 0 is (T - 7d, T]). Active days are UTC calendar days.

            This listing uses a reference workspace with products `docs` and `sheets`, integration `slack`, events
            `plan_limit_reached`, `pricing_viewed` and `sync_run`, and attributes
            `employees`, `segment` and (users) `role`. A real workspace gets the same features for its own products (the
            20 most frequent, `features.max_products`; pairs among the 8 most frequent, `features.max_pair_products`),
            integration kinds (the `integration` event property, `features.integration_kind_property`) and attributes
            (numeric, or categorical with at most 100 levels and not one distinct value per row; never
            `data.exclude_attributes` nor a column an `attribute` goal reads). Windows default to 7, 30 and 90 days (`features.windows`).

            Event kinds come from `event_kinds` in pql.yaml, else by name pattern: `*integration*` -> integration;
            `*invite*`, `*share*` -> collaboration; `subscription*`, `seats*`, `plan*`, `billing*` -> lifecycle; anything
            else feature use. Invites are collaboration events named `*invite*`, shares `*share*`, creator events
            feature-use events named `*create*` (override with `features.invite_events`, `share_events`, `creator_events`).

            Machine activity is events without a user and events whose name has a word such as `run`, `sync`, `webhook`, `api`,
            `cron`, `bot` or `system` (`features.automated_events` lists them instead). Plan-limit events have a word such as
            `limit`, `quota`, `paywall`, `exceeded` or `overage` in their name, pricing events `pricing`, `price`, `checkout`,
            `upgrade` or `trial` (`features.limit_events`, `pricing_events`); the monetization family is left out when there are
            none. Company size for the interaction family is the numeric account attribute `employees` (or `employee_count`,
            `headcount`, `company_size`, `size`; `features.size_attribute` names another); without one the family is left out.
            `features.exclude_families: [cadence, ...]` leaves families out, e.g. to measure in a backtest what one adds.

            The metric family reads the `metrics` table of pql.yaml (`data.metrics`: entity, date, metric, value; usage already
            rolled up per day), here a metric `api_calls`. Each metric name with at least 20 rows (at most the 40 most frequent)
            gets its columns; rarer names are summed into one pooled set (`metric.other_metrics.*`). A daily value is the sum of
            the entity's rows of that metric and day (an account's rows include its users'; a user's only its own). A row dated D
            covers the whole day D, so it is read only for cutoffs on a later day: a window of N days is the N whole days before
            the cutoff's day, and the cutoff's own (unfinished) day is never read. The family is left out without a metrics
            table; the SQL engines refuse it (engine: memory computes it).


            """);
        foreach (var family in FeatureFamilyNames.Each)
        {
            var defs = catalogue.Account.Concat(catalogue.User).Where(d => d.Family == family).DistinctBy(d => d.Name).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"## {FeatureFamilyNames.Of(family)} ({defs.Count} features)\n\n");
            sb.Append("| feature | entity | window | events | aggregation | type | meaning |\n|---|---|---|---|---|---|---|\n");
            foreach (var d in defs)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"| `{d.Name}` | {Level(d.Level)} | {Window(d)} | {d.Filter.Describe()} | {Aggregate(d)} | {Type(d)} | {d.Description.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
            }
            sb.Append('\n');
        }
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    private static string Level(EntityLevel level) => level switch
    {
        EntityLevel.Account => "account",
        EntityLevel.User => "user",
        _ => "both",
    };

    private static string Window(FeatureDefinition d) =>
        d.BaselineDays > 0 ? $"{d.WindowDays}d vs {d.BaselineDays}d"
        : d.WindowDays > 0 ? $"{d.WindowDays}d"
        : "all";

    private static string Aggregate(FeatureDefinition d)
    {
        var name = d.Aggregation.ToString();
        var extra = new List<string>(3);
        if (d.Parameter != 0)
            extra.Add(d.Parameter.ToString(CultureInfo.InvariantCulture));
        if (d.ProductA is not null)
            extra.Add(d.ProductA);
        if (d.ProductB is not null)
            extra.Add(d.ProductB);
        if (d.Key is not null)
            extra.Add(d.Key);
        if (d.Value is not null)
            extra.Add(d.Value);
        return extra.Count == 0 ? name : $"{name}({string.Join(", ", extra)})";
    }

    private static string Type(FeatureDefinition d) =>
        d.Kind == FeatureKind.Categorical ? $"categorical ({d.Levels.Count} levels)" : "numeric";

    private static EventStore ReferenceStore()
    {
        var b = new EventStoreBuilder();
        var a = b.AddAccount("acme", 0, [KeyValuePair.Create("employees", "120"), KeyValuePair.Create("segment", "smb")]);
        var u = b.AddUser("ann", a, 0, [KeyValuePair.Create("role", "admin")]);
        (string Name, string? Product)[] events =
            [("doc_created", "docs"), ("doc_shared", "docs"), ("sheet_created", "sheets"), ("user_invited", null), ("integration_added", null), ("subscription_started", null),
             ("plan_limit_reached", null), ("pricing_viewed", null), ("sync_run", null)];
        foreach (var (name, product) in events)
        {
            var i = b.AddEvent(a, u, Duration.MsPerDay, b.EventNames.GetOrAdd(name), product is null ? -1 : b.Products.GetOrAdd(product));
            if (name == "integration_added")
                b.AddProperty(i, "integration", "slack");
        }
        var apiCalls = b.MetricNames.GetOrAdd("api_calls");
        for (var day = 0; day < FeatureConfig.Default.MinMetricRows; day++)
            b.AddMetric(a, -1, day, apiCalls, 100 + day);
        return b.Build();
    }
}
