using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Pql.Core.Demo;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>
/// The bench world's events in ClickHouse, loaded over HTTP in TSV batches as a team's pipeline would insert them: account resolved
/// through the users table and product mapped (as the loader does), the integration property in a column of its name (18.16 has no
/// JSONExtract). One shard is a MergeTree table on the first node; two shards are a MergeTree table on each node under a Distributed
/// table over cluster <c>bench2</c> (../shared/peers/services.sh), inserted through it synchronously. A table already holding the
/// world's rows is reused; the load is setup, timed apart from the matrix.
/// </summary>
internal sealed class BenchScaleClickHouse : IDisposable
{
    private const string Cluster = "bench2";
    private const string TsvFile = "clickhouse-events.tsv";
    private const int BatchBytes = 64 << 20;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromHours(2) };
    private readonly Uri[] _nodes;
    private readonly int _shards;
    private readonly string _prefix;
    private readonly bool _drop;

    public BenchScaleClickHouse(Uri[] nodes, int shards, string prefix, bool drop)
    {
        _nodes = nodes;
        _shards = shards;
        _prefix = prefix;
        _drop = drop;
    }

    /// <summary>The endpoints in <paramref name="list"/> (comma-separated), else in PQL_BENCH_CH; none when neither is set.</summary>
    public static Uri[] Nodes(string? list)
    {
        list ??= Environment.GetEnvironmentVariable("PQL_BENCH_CH");
        return string.IsNullOrWhiteSpace(list)
            ? []
            : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))];
    }

    private string Local => _shards == 1 ? _prefix + "_one" : _prefix + "_local";

    /// <summary>The table the feature queries read.</summary>
    public string Table => _shards == 1 ? Local : _prefix + "_all";

    private IEnumerable<Uri> LocalNodes => _nodes.Take(_shards);

    /// <summary>Creates and fills the table unless it already holds the world's events; returns it, the seconds taken and what was done.</summary>
    public (string Table, double Seconds, string What) Ensure(BenchScaleWorldInfo world, ILogger log)
    {
        if (Exists() && Count() == world.Events)
            return (Table, 0, "reused the loaded table");
        var clock = Stopwatch.StartNew();
        var tsv = Path.Combine(world.Folder, TsvFile);
        var exported = !File.Exists(tsv);
        if (exported)
        {
            Log.Progress(log, $"exporting the events for ClickHouse to {tsv}");
            Export(world.Folder, tsv);
        }
        var export = clock.Elapsed.TotalSeconds;
        Create();
        Log.Progress(log, $"inserting the events into {Table}");
        Insert(tsv);
        var count = Count();
        if (count != world.Events)
            throw new InvalidOperationException(BenchScaleService.Inv($"ClickHouse table {Table} holds {count:N0} rows after the load, not the world's {world.Events:N0}"));
        var seconds = clock.Elapsed.TotalSeconds;
        var what = BenchScaleService.Inv($"insert over HTTP (TSV, {BatchBytes >> 20} MB batches) {world.Events / Math.Max(1e-9, seconds - export):N0} events/s")
            + (exported ? BenchScaleService.Inv($"; TSV export {export:F1} s") : "");
        return (Table, seconds, what);
    }

    /// <summary>Bytes on disk of the table's active parts, over its shards.</summary>
    public long BytesOnDisk() => LocalNodes.Sum(n => long.Parse(Post(n,
        $"SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = currentDatabase() AND table = '{Local}' FORMAT TSV").Trim(), CultureInfo.InvariantCulture));

    private bool Exists() => LocalNodes.All(n => Post(n, $"EXISTS TABLE {Local} FORMAT TSV").Trim() == "1")
        && (_shards == 1 || Post(_nodes[0], $"EXISTS TABLE {Table} FORMAT TSV").Trim() == "1");

    private long Count() => long.Parse(Post(_nodes[0], $"SELECT count() FROM {Table} FORMAT TSV").Trim(), CultureInfo.InvariantCulture);

    private void Create()
    {
        Drop();
        foreach (var node in LocalNodes)
        {
            Post(node, $"CREATE TABLE {Local} (account_id String, user_id Nullable(String), event String, product Nullable(String), t Int64, " +
                "integration Nullable(String)) ENGINE = MergeTree() ORDER BY (account_id, t)");
        }
        if (_shards > 1)
            Post(_nodes[0], $"CREATE TABLE {Table} AS {Local} ENGINE = Distributed({Cluster}, currentDatabase(), {Local}, sipHash64(account_id))");
    }

    private void Drop()
    {
        if (_shards > 1)
            Post(_nodes[0], $"DROP TABLE IF EXISTS {Table}");
        foreach (var node in LocalNodes)
            Post(node, $"DROP TABLE IF EXISTS {Local}");
    }

    /// <summary>
    /// The events as ClickHouse's TSV (\N for null), through an in-memory DuckDB reading the world's files with the same rules the
    /// loader applies: trimmed text, empty as absent, account from the users table when the event has none, product from the products map.
    /// </summary>
    private static void Export(string folder, string tsv)
    {
        var config = ConfigLoader.Load(folder);
        var map = new StringBuilder();
        foreach (var (ev, product) in config.ProductOfEvent)
            map.Append(CultureInfo.InvariantCulture, $" WHEN {Quote(ev)} THEN {Quote(product)}");
        var key = Quote("$.\"" + Features.FeatureConfig.Parse(config).IntegrationKindProperty + "\"");
        string T(string column) => $"nullif(trim(ev.\"{column}\"), '')";
        var partial = tsv + ".partial";
        using (var db = new DuckDBConnection("DataSource=:memory:"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"""
                SET TimeZone = 'UTC';
                COPY (
                  SELECT coalesce({T("account_id")}, us.account_id) AS account_id, {T("user_id")} AS user_id, {T("event")} AS event,
                         coalesce({T("product")}, CASE {T("event")}{map} END) AS product,
                         epoch_ms(CAST({T("timestamp")} AS TIMESTAMPTZ)) AS t,
                         nullif(json_extract_string({T("properties")}, {key}), '') AS integration
                  FROM read_csv({Quote(Path.Combine(folder, WorldGenerator.EventsFile))}, header = true, all_varchar = true) ev
                  LEFT JOIN (SELECT DISTINCT nullif(trim(user_id), '') AS user_id, nullif(trim(account_id), '') AS account_id
                             FROM read_csv({Quote(Path.Combine(folder, WorldGenerator.UsersFile))}, header = true, all_varchar = true)) us
                    ON us.user_id = {T("user_id")}
                ) TO {Quote(partial)} (FORMAT CSV, DELIMITER '\t', HEADER false, NULLSTR '\N')
                """;
            cmd.ExecuteNonQuery();
        }
        File.Move(partial, tsv, overwrite: true);
    }

    /// <summary>Posts the file in batches cut at line ends, each one INSERT.</summary>
    private void Insert(string tsv)
    {
        var query = Uri.EscapeDataString($"INSERT INTO {Table} FORMAT TSV");
        var target = new Uri(_nodes[0], $"?query={query}" + (_shards > 1 ? "&insert_distributed_sync=1" : ""));
        using var file = new FileStream(tsv, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var buffer = new byte[BatchBytes];
        var filled = 0;
        while (true)
        {
            var read = file.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            if (filled == 0)
                break;
            var end = read == 0 ? filled : Array.LastIndexOf(buffer, (byte)'\n', filled - 1) + 1;
            if (end == 0)
                throw new InvalidDataException($"{tsv}: a line longer than {BatchBytes >> 20} MB");
            Send(target, buffer, end);
            Array.Copy(buffer, end, buffer, 0, filled - end);
            filled -= end;
        }
    }

    private void Send(Uri target, byte[] body, int length)
    {
        using var content = new ByteArrayContent(body, 0, length);
        using var response = _http.PostAsync(target, content).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"ClickHouse at {target.GetLeftPart(UriPartial.Authority)} answered {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Trim()}");
    }

    private string Post(Uri node, string sql)
    {
        using var content = new StringContent(sql, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = _http.PostAsync(node, content).GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"ClickHouse at {node} answered {(int)response.StatusCode}: {body.Trim()}");
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        try
        {
            if (_drop)
                Drop();
        }
        finally
        {
            _http.Dispose();
        }
    }
}
