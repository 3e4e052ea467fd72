using System.Globalization;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Scoring;

/// <summary>
/// The attributes a score row carries for tier segments, trigger filters and routing (segment, plan, owner, ...):
/// the entity's own attribute values as text; a user also carries its account's, prefixed <c>account.</c>,
/// plus <c>account_id</c>.
/// </summary>
public static class EntityAttributes
{
    public static IReadOnlyDictionary<string, string> Of(EventStore store, EntityKind kind, int entity)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (kind == EntityKind.Account)
        {
            Add(map, store.AccountAttributes, entity, "");
            return map;
        }
        Add(map, store.UserAttributes, entity, "");
        var account = store.UserAccount[entity];
        map["account_id"] = store.AccountIds[account];
        Add(map, store.AccountAttributes, account, "account.");
        return map;
    }

    /// <summary>The keys <see cref="Of"/> can give an entity of <paramref name="kind"/>, in the tables' column order.</summary>
    public static IReadOnlyList<string> Names(EventStore store, EntityKind kind)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (kind == EntityKind.Account)
            return [.. store.AccountAttributes.Select(c => c.Name)];
        return [.. store.UserAttributes.Select(c => c.Name), "account_id", .. store.AccountAttributes.Select(c => "account." + c.Name)];
    }

    private static void Add(Dictionary<string, string> map, IReadOnlyList<AttributeColumn> columns, int row, string prefix)
    {
        foreach (var c in columns)
        {
            var text = c.Kind switch
            {
                AttributeKind.Numeric => double.IsNaN(c.Numbers[row]) ? null : c.Numbers[row].ToString("R", CultureInfo.InvariantCulture),
                AttributeKind.Timestamp => c.Times[row] == AttributeColumn.MissingTime ? null : Timestamps.Format(c.Times[row]),
                _ => c.Codes[row] < 0 ? null : c.Levels[c.Codes[row]],
            };
            if (text is not null)
                map[prefix + c.Name] = text;
        }
    }
}
