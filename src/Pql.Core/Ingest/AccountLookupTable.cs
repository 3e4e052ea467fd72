using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>A key -> account id table read from a CSV or Parquet file or a PostgreSQL table (e.g. subscription_id -> account_id).</summary>
internal sealed class AccountLookupTable
{
    private readonly Dictionary<string, string> _map = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private AccountLookupTable(string path)
    {
        Path = path;
        _lookup = _map.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Path { get; }

    public static AccountLookupTable Load(AccountLookup via)
    {
        var table = new AccountLookupTable(via.Path);
        using var csv = RowReaders.OpenColumns(via.Path, [via.TableKey, via.TableAccount], via.Database);
        RowReaders.Require(csv, via.Path, [(0, via.TableKey), (1, via.TableAccount)]);
        while (csv.Read())
        {
            var key = csv.Get(0).Trim();
            var account = csv.Get(1).Trim();
            if (!key.IsEmpty && !account.IsEmpty)
                table._map.TryAdd(key.ToString(), account.ToString());
        }
        return table;
    }

    public bool TryGet(ReadOnlySpan<char> key, out ReadOnlySpan<char> account)
    {
        if (_lookup.TryGetValue(key, out var a))
        {
            account = a;
            return true;
        }
        account = default;
        return false;
    }
}
