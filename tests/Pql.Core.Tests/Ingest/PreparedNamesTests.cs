using Pql.Core.Events;
using Pql.Core.Ingest;

namespace Pql.Core.Tests.Ingest;

/// <summary>The parsing threads' name numbering and the loading thread's mapping give the codes a text load gives.</summary>
public sealed class PreparedNamesTests
{
    [Fact]
    public void Name_cache_gives_the_pools_codes_even_when_names_share_a_slot()
    {
        // Same length, first, middle and last chars: the same direct-mapped slot, so each lookup must compare the whole name.
        string[] names = ["axxb", "ayxb", "axxb", "azxb", "ayxb", "axxb"];
        var cache = new NameCache();
        var pool = new StringPool();

        foreach (var name in names)
            Assert.Equal(pool.GetOrAdd(name), cache.GetOrAdd(name));
        Assert.Equal(pool.Values, cache.Pool.Values);
    }

    [Fact]
    public void Block_codes_map_to_store_codes_in_first_use_order_per_block()
    {
        var store = new StringPool();
        store.GetOrAdd("known");
        var first = new NameCache();
        var second = new NameCache();
        var b1 = first.GetOrAdd("b");
        var a1 = first.GetOrAdd("a");
        var a2 = second.GetOrAdd("a");
        var known2 = second.GetOrAdd("known");
        var map = new PreparedNameMap();

        // First use decides the store code, as GetOrAdd on the row's text would.
        Assert.Equal(1, map.Resolve(first.Pool, a1, store));
        Assert.Equal(2, map.Resolve(first.Pool, b1, store));
        Assert.Equal(1, map.Resolve(first.Pool, a1, store));
        Assert.Equal(1, map.Resolve(second.Pool, a2, store));
        Assert.Equal(0, map.Resolve(second.Pool, known2, store));
        Assert.Equal(["known", "a", "b"], store.Values.ToArray());
    }

    [Fact]
    public void Last_lookup_answers_as_the_pool_for_runs_and_changes()
    {
        var pool = new StringPool();
        pool.GetOrAdd("u1");
        pool.GetOrAdd("u2");
        var last = new LastLookup();

        Assert.Equal(0, last.Find("u1", pool));
        Assert.Equal(0, last.Find("u1", pool));
        Assert.Equal(-1, last.Find("u1x", pool));
        Assert.Equal(1, last.Find("u2", pool));
        Assert.Equal(-1, last.Find(new string('u', 200), pool));
        Assert.Equal(0, last.Find("u1", pool));
    }

    [Fact]
    public void A_remembered_invalid_json_error_is_the_one_a_parse_gives()
    {
        string[] keys = ["integration"];
        var scratch = new byte[16];
        var values = new string?[1];
        var broken = "{\"integration\":\"slack\"";

        var first = JsonProperties.Extract(broken, ref scratch, keys, values);
        Assert.Null(values[0]); // no values from a row that is rejected
        var again = JsonProperties.Extract("  " + broken + " ", ref scratch, keys, values);
        var fresh = JsonProperties.Extract(System.Text.Encoding.UTF8.GetBytes(broken), keys, new string?[1]);

        Assert.NotNull(first);
        Assert.StartsWith("is not valid JSON", first, StringComparison.Ordinal);
        Assert.Equal(first, again);
        Assert.Equal(first, fresh);
        Assert.Null(JsonProperties.Extract("{\"integration\":\"jira\"}", ref scratch, keys, values));
        Assert.Equal("jira", values[0]);
    }
}
