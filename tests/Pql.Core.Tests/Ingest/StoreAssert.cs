using Pql.Core.Events;

namespace Pql.Core.Tests.Ingest;

/// <summary>Two stores hold the same accounts, users, events, properties and attributes.</summary>
internal static class StoreAssert
{
    public static void Same(EventStore a, EventStore b)
    {
        Assert.Equal(a.AccountIds.Values, b.AccountIds.Values);
        Assert.Equal(a.AccountCreatedAt, b.AccountCreatedAt);
        Assert.Equal(a.UserIds.Values, b.UserIds.Values);
        Assert.Equal(a.UserAccount, b.UserAccount);
        Assert.Equal(a.EventCount, b.EventCount);
        Assert.Equal(a.EventAccount, b.EventAccount);
        Assert.Equal(a.EventTime, b.EventTime);
        Assert.Equal(a.EventName.Select(c => a.EventNames[c]), b.EventName.Select(c => b.EventNames[c]));
        Assert.Equal(a.EventProduct.Select(c => c < 0 ? null : a.Products[c]), b.EventProduct.Select(c => c < 0 ? null : b.Products[c]));
        Assert.Equal(a.Metrics.Count, b.Metrics.Count);
        Assert.Equal(a.Metrics.Account, b.Metrics.Account);
        Assert.Equal(a.Metrics.User, b.Metrics.User);
        Assert.Equal(a.Metrics.Day, b.Metrics.Day);
        Assert.Equal(a.Metrics.Value, b.Metrics.Value);
        Assert.Equal(a.Metrics.Name.Select(c => a.Metrics.Names[c]), b.Metrics.Name.Select(c => b.Metrics.Names[c]));
        Assert.Equal(a.Properties.Keys.Order(), b.Properties.Keys.Order());
        foreach (var (key, p) in a.Properties)
        {
            Assert.Equal(p.EventIndex, b.Properties[key].EventIndex);
            Assert.Equal(p.ValueCode.Select(c => p.Values[c]), b.Properties[key].ValueCode.Select(c => b.Properties[key].Values[c]));
        }
        Assert.Equal(a.AccountAttributes.Select(c => (c.Name, c.Kind)), b.AccountAttributes.Select(c => (c.Name, c.Kind)));
        for (var i = 0; i < a.AccountAttributes.Count; i++)
        {
            var (x, y) = (a.AccountAttributes[i], b.AccountAttributes[i]);
            Assert.Equal(x.Numbers, y.Numbers);
            Assert.Equal(x.Codes, y.Codes);
            Assert.Equal(x.Times, y.Times);
            Assert.Equal(x.Levels.Values, y.Levels.Values);
        }
        Assert.Equal(a.UserAttributes.Select(c => (c.Name, c.Kind)), b.UserAttributes.Select(c => (c.Name, c.Kind)));
    }
}
