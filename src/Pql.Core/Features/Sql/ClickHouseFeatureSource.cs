using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// Events in a ClickHouse table, local or Distributed over shards, reached through the HTTP interface with TSV (the official .NET
/// driver asks for RowBinaryWithNamesAndTypes, which 18.16 does not know). The table has columns <c>account_id String</c>,
/// <c>user_id Nullable(String)</c>, <c>event String</c>, <c>product Nullable(String)</c> and <c>t Int64</c> (Unix ms), account already
/// resolved and product already mapped when loaded. The (entity, cutoff) rows go to a Memory table of the node queried and are shipped
/// to the shards by <c>GLOBAL JOIN</c>; each shard aggregates its own events. Tested on 18.16.1 (two shards on loopback).
/// </summary>
internal sealed class ClickHouseFeatureSource : ISqlFeatureSource
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _table;
    private readonly string _rows = $"{FeatureSqlBuilder.RowsTable}_{Guid.NewGuid():N}";

    public ClickHouseFeatureSource(Uri endpoint, string table, EntityKind entity, HttpClient? http = null)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _table = table;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        Dialect = SqlDialect.ClickHouse(entity == EntityKind.User ? "user_id" : "account_id");
        Post($"CREATE TABLE {_rows} (entity_id String, cutoff_ms Int64) ENGINE = Memory");
    }

    public SqlDialect Dialect { get; }

    public IReadOnlyList<string> EventNames() =>
        [.. Post($"SELECT DISTINCT event FROM {_table} ORDER BY event FORMAT TSV").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Unescape)];

    public string RowsTable => _rows;

    /// <summary>ClickHouse 18.16 has no JSONExtract: a property is read only from a column of its name (String or Nullable(String)).</summary>
    public string? PropertyColumn(string key)
    {
        var columns = Post($"SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {Dialect.Literal(_table)} FORMAT TSV");
        return columns.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Unescape).Contains(key) ? key : null;
    }

    public string EventsRelation(EntityKind entity, string? propertyKey) => _table;

    public void LoadRows(IReadOnlyList<string> entityIds, ReadOnlySpan<long> cutoffs)
    {
        Post($"TRUNCATE TABLE {_rows}");
        var sb = new StringBuilder();
        for (var i = 0; i < cutoffs.Length; i++)
            sb.Append(Escape(entityIds[i])).Append('\t').Append(cutoffs[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
        Post($"INSERT INTO {_rows} FORMAT TSV\n" + sb);
    }

    public IEnumerable<SqlResultRow> Read(string sql, int measures, bool keyed = false)
    {
        var text = Post(sql + "\nFORMAT TSV");
        var first = keyed ? 3 : 2;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            var values = new long[measures];
            for (var m = 0; m < measures; m++)
                values[m] = f[m + first] == "\\N" ? FeatureFormulas.None : long.Parse(f[m + first], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var key = keyed && f[2] != "\\N" ? Unescape(f[2]) : null;
            yield return new(Unescape(f[0]), long.Parse(f[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), key, values);
        }
    }

    public void Dispose()
    {
        try
        {
            Post($"DROP TABLE IF EXISTS {_rows}");
        }
        finally
        {
            _http.Dispose();
        }
    }

    /// <summary>One statement; ClickHouse answers an error with a non-2xx status and the message in the body.</summary>
    private string Post(string sql)
    {
        using var content = new StringContent(sql, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = _http.PostAsync(_endpoint, content).GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"ClickHouse at {_endpoint} answered {(int)response.StatusCode}: {body.Trim()}");
        return body;
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Unescape(string s) => s.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
}
