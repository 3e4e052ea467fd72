namespace Pql.Core.Events;

/// <summary>
/// Daily values already rolled up outside the engine (the <c>metrics</c> table: entity, date, metric, value), held as parallel
/// arrays sorted by (account, day, metric, user) so one account's days up to a cutoff are a contiguous prefix of its range.
/// A row keyed by a user carries the user's code and its account; a row keyed by an account has user -1. Days are whole UTC
/// days since 1970-01-01.
/// </summary>
public sealed class MetricTable
{
    public static MetricTable Empty { get; } = new()
    {
        Names = new StringPool(),
        Account = [],
        User = [],
        Day = [],
        Name = [],
        Value = [],
        AccountOffsets = [],
    };

    public required StringPool Names { get; init; }
    public required int[] Account { get; init; }
    /// <summary>User code of each row, -1 when the row is keyed by its account.</summary>
    public required int[] User { get; init; }
    public required int[] Day { get; init; }
    public required int[] Name { get; init; }
    public required double[] Value { get; init; }
    /// <summary>Account a's rows are [AccountOffsets[a], AccountOffsets[a+1]); empty when there are no rows at all.</summary>
    public required int[] AccountOffsets { get; init; }

    public int Count => Day.Length;

    /// <summary>The row range of an account (empty when the table has no rows).</summary>
    public (int Start, int End) RowsOf(int account) =>
        AccountOffsets.Length == 0 ? (0, 0) : (AccountOffsets[account], AccountOffsets[account + 1]);

    /// <summary>Sorts the rows (in load order) into a table for <paramref name="accountCount"/> accounts.</summary>
    internal static MetricTable Build(int accountCount, StringPool names, List<int> account, List<int> user, List<int> day, List<int> name, List<double> value)
    {
        var n = day.Count;
        if (n == 0)
            return Empty;
        var order = new int[n];
        for (var i = 0; i < n; i++)
            order[i] = i;
        // Load order breaks no tie: (account, day, metric, user) is unique after the loader's duplicate check.
        Array.Sort(order, (x, y) =>
        {
            var c = account[x].CompareTo(account[y]);
            if (c == 0) c = day[x].CompareTo(day[y]);
            if (c == 0) c = name[x].CompareTo(name[y]);
            if (c == 0) c = user[x].CompareTo(user[y]);
            return c == 0 ? x.CompareTo(y) : c;
        });
        var offsets = new int[accountCount + 1];
        foreach (var a in account)
            offsets[a + 1]++;
        for (var a = 0; a < accountCount; a++)
            offsets[a + 1] += offsets[a];
        var table = new MetricTable
        {
            Names = names,
            Account = new int[n],
            User = new int[n],
            Day = new int[n],
            Name = new int[n],
            Value = new double[n],
            AccountOffsets = offsets,
        };
        for (var i = 0; i < n; i++)
        {
            var src = order[i];
            table.Account[i] = account[src];
            table.User[i] = user[src];
            table.Day[i] = day[src];
            table.Name[i] = name[src];
            table.Value[i] = value[src];
        }
        return table;
    }
}
