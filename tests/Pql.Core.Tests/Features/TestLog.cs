using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Features;

/// <summary>A hand-written event log that builds an <see cref="EventStore"/>; times are relative to a cutoff.</summary>
internal sealed class TestLog
{
    public const long Day = 86_400_000L;
    public const long Hour = 3_600_000L;
    /// <summary>2026-03-01T12:00:00Z: the cutoff most tests use.</summary>
    public static readonly long T = Timestamps.TryParseIso("2026-03-01T12:00:00Z", out var t) ? t : 0;

    public sealed record Event(string Account, string? User, long Time, string Name, string? Product, string? Integration = null);

    public List<(string Id, long Created, KeyValuePair<string, string>[] Attributes)> Accounts { get; } = [];
    public List<(string Id, string Account, long Created)> Users { get; } = [];
    public List<Event> Events { get; } = [];
    /// <summary>Rows of the metrics table: a user's (User set) or the account's, on a whole UTC day (days since 1970).</summary>
    public List<(string Account, string? User, int Day, string Name, double Value)> Metrics { get; } = [];

    public TestLog Account(string id, long created, params (string Key, string Value)[] attributes)
    {
        Accounts.Add((id, created, [.. attributes.Select(a => KeyValuePair.Create(a.Key, a.Value))]));
        return this;
    }

    public TestLog User(string id, string account, long created)
    {
        Users.Add((id, account, created));
        return this;
    }

    public TestLog Add(string account, string? user, long time, string name, string? product = null, string? integration = null)
    {
        Events.Add(new Event(account, user, time, name, product, integration));
        return this;
    }

    public TestLog Clone()
    {
        var copy = new TestLog();
        copy.Accounts.AddRange(Accounts);
        copy.Users.AddRange(Users);
        copy.Events.AddRange(Events);
        copy.Metrics.AddRange(Metrics);
        return copy;
    }

    public EventStore Build()
    {
        var b = new EventStoreBuilder();
        foreach (var (id, created, attrs) in Accounts)
            b.AddAccount(id, created, attrs);
        foreach (var (id, account, created) in Users)
            b.AddUser(id, b.FindAccount(account), created);
        foreach (var e in Events)
        {
            var i = b.AddEvent(e.Account, e.User, e.Time, e.Name, e.Product);
            if (e.Integration is not null)
                b.AddProperty(i, "integration", e.Integration);
        }
        foreach (var (account, user, day, name, value) in Metrics)
            b.AddMetric(b.FindAccount(account), user is null ? -1 : b.FindUser(user), day, b.MetricNames.GetOrAdd(name), value);
        return b.Build();
    }

    /// <summary>Features of the named accounts (or users) at one cutoff, all families.</summary>
    public static FeatureMatrix Matrix(EventStore store, EntityKind entity, long cutoff, params string[] ids)
    {
        var engine = new FeatureEngine(store, FeatureConfig.Default, null);
        var pool = entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var codes = ids.Select(id => pool.Find(id)).ToArray();
        var cutoffs = Enumerable.Repeat(cutoff, ids.Length).ToArray();
        return engine.Build(entity, codes, cutoffs);
    }
}

internal static class FeatureMatrixExtensions
{
    public static float Value(this FeatureMatrix m, string name, int row = 0)
    {
        var c = m.IndexOf(name);
        Assert.True(c >= 0, $"no column {name}; columns: {string.Join(", ", m.Columns.Select(x => x.Name))}");
        return m.Columns[c].Values[row];
    }

    /// <summary>The level name of a categorical column's value (null when missing).</summary>
    public static string? Level(this FeatureMatrix m, string name, int row = 0)
    {
        var v = m.Value(name, row);
        return float.IsNaN(v) ? null : m.Columns[m.IndexOf(name)].Levels[(int)v];
    }
}
