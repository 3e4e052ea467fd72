using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

/// <summary>Seeded random event logs for property tests: several products, kinds, integrations and users.</summary>
internal static class RandomLog
{
    private static readonly (string Name, string? Product)[] s_events =
    [
        ("doc_created", "docs"), ("doc_shared", "docs"), ("comment_added", "docs"),
        ("sheet_created", "sheets"), ("formula_used", "sheets"),
        ("chat_sent", "chat"), ("call_started", "chat"),
        ("user_invited", null), ("integration_added", null), ("subscription_started", null), ("seats_added", null),
        ("plan_limit_reached", null), ("pricing_viewed", null), ("sync_run", null),
    ];

    private static readonly string[] s_integrations = ["slack", "github", "jira"];

    private static readonly string[] s_metrics = ["api_calls", "minutes", "storage_gb"];

    public static TestLog Create(int seed, int accounts = 8)
    {
        var rng = new Random(seed);
        var metricRng = new Random(seed + 7919); // its own stream, so the events of a seed stay what they were before metrics
        var log = new TestLog();
        for (var a = 0; a < accounts; a++)
        {
            var id = $"a{a}";
            var created = T - (100 + rng.Next(100)) * Day;
            log.Account(id, created, ("employees", (5 + rng.Next(500)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("segment", rng.Next(2) == 0 ? "smb" : "enterprise"));
            var users = 1 + rng.Next(5);
            for (var u = 0; u < users; u++)
                log.User($"{id}u{u}", id, created + rng.Next(0, 130) * Day);
            var events = 20 + rng.Next(120);
            for (var e = 0; e < events; e++)
                log.Events.Add(RandomEvent(rng, id, $"{id}u{rng.Next(users)}", T - 150 * Day, T + 60 * Day));
            AddMetrics(metricRng, log, id, users, (int)((T - 150 * Day) / Day), (int)((T + 60 * Day) / Day));
        }
        return log;
    }

    /// <summary>Daily metric rows of an account and its users on random distinct (day, metric, entity) keys in [fromDay, toDay).</summary>
    private static void AddMetrics(Random rng, TestLog log, string account, int users, int fromDay, int toDay)
    {
        var keys = new HashSet<(string?, int, string)>();
        var rows = 10 + rng.Next(60);
        for (var i = 0; i < rows; i++)
        {
            string? user = rng.Next(3) == 0 ? null : $"{account}u{rng.Next(users)}";
            var day = fromDay + rng.Next(toDay - fromDay);
            var name = s_metrics[rng.Next(s_metrics.Length)];
            if (keys.Add((user, day, name)))
                log.Metrics.Add((account, user, day, name, Math.Round(rng.NextDouble() * 100, 2)));
        }
    }

    public static TestLog.Event RandomEvent(Random rng, string account, string? user, long from, long to)
    {
        var (name, product) = s_events[rng.Next(s_events.Length)];
        var time = from + (long)(rng.NextDouble() * (to - from));
        var integration = name == "integration_added" && rng.Next(4) > 0 ? s_integrations[rng.Next(s_integrations.Length)] : null;
        return new TestLog.Event(account, rng.Next(10) == 0 ? null : user, time, name, product, integration);
    }

    /// <summary>
    /// A copy in which events after the cutoff are deleted, changed (name, product, user, time - staying after
    /// the cutoff) or added, and a user created after the cutoff joins with events of their own.
    /// </summary>
    public static TestLog PerturbAfter(TestLog log, long cutoff, int seed)
    {
        var rng = new Random(seed);
        var copy = new TestLog();
        copy.Accounts.AddRange(log.Accounts);
        copy.Users.AddRange(log.Users);
        var cutoffDay = (int)Math.Floor((double)cutoff / Day); // a row of the cutoff's day is read only after that day
        foreach (var m in log.Metrics)
        {
            if (m.Day < cutoffDay)
                copy.Metrics.Add(m);
            else if (rng.Next(3) == 1)
                copy.Metrics.Add(m with { Value = m.Value * 10 + 1 });
        }
        foreach (var (id, _, _) in log.Accounts)
        {
            copy.Metrics.Add((id, null, cutoffDay, "api_calls_late", 1e6)); // a name only the future knows
            if (!log.Metrics.Any(m => m.Account == id && m.User == null && m.Day == cutoffDay && m.Name == "minutes"))
                copy.Metrics.Add((id, null, cutoffDay, "minutes", 1e6));
        }
        foreach (var e in log.Events)
        {
            if (e.Time <= cutoff)
            {
                copy.Events.Add(e);
                continue;
            }
            switch (rng.Next(3))
            {
                case 0:
                    break; // deleted
                case 1:
                    var other = RandomEvent(rng, e.Account, e.User, cutoff + 1, cutoff + 90 * Day);
                    copy.Events.Add(other with { User = rng.Next(2) == 0 ? e.User : other.User });
                    break;
                default:
                    copy.Events.Add(e);
                    break;
            }
        }
        foreach (var (id, _, _) in log.Accounts)
        {
            var newcomer = $"{id}late";
            copy.User(newcomer, id, cutoff + 1 + rng.Next(10) * Day);
            for (var i = 0; i < 5; i++)
            {
                var users = log.Users.Where(u => u.Account == id).Select(u => u.Id).Append(newcomer).ToArray();
                copy.Events.Add(RandomEvent(rng, id, users[rng.Next(users.Length)], cutoff + 1, cutoff + 60 * Day));
            }
        }
        return copy;
    }
}
