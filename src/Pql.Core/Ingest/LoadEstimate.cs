using System.Globalization;
using System.IO.Compression;
using DuckDB.NET.Data;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// What loading a workspace's events into memory would need, estimated before reading them: event rows from each file's size and a
/// sample of its first bytes (rows per byte; for gzip, rows per compressed byte), Parquet rows from the file's metadata, times the
/// peak bytes a load and a training hold per event. <c>engine.memory_budget</c> is checked against it so a workspace too large for
/// the in-memory engine stops at once with one line, instead of after minutes of parsing or by the kernel's OOM killer.
/// </summary>
public sealed record LoadEstimate(long EventRows, long Bytes)
{
    /// <summary>
    /// Peak resident bytes per event row of <c>pql train</c> on the in-memory engine, above the process's base. Measured with
    /// <c>/usr/bin/time -v</c> on generated worlds (`pql generate --seed 1 --days 180`): 2,000 accounts / 283k rows, train (every
    /// goal) 279 MB; 72,000 accounts / 9.98M rows, a cold `pql validate` 870 MB (the load alone: (870 - 144) MB / 9.70M rows = 78 B per
    /// row: 24 resident plus the builder's chunks, the 16-byte event-id set at 3/4 fill, the sort's permutation) and `pql train --goal
    /// conversion` 2,880 MB, i.e. (2,880 - 279) MB / 9.70M rows = 281 B per row: the training rows' feature matrices grow with the
    /// world too. The load alone would be underestimated 3.6x by 78, so the training figure is used.
    /// </summary>
    public const long PeakBytesPerEvent = 281;

    /// <summary>The runtime, accounts, users and models that do not grow with events: the small world's peak in training (279 MB), rounded up.</summary>
    public const long BaseBytes = 300L << 20;

    private const int SampleBytes = 1 << 20;

    public static LoadEstimate Of(WorkspaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long rows = 0;
        var tables = config.Data.Events.ToList();
        if (IngestSegments.Events(config) is { } posted)
            tables.Add(posted);
        foreach (var table in tables)
            rows += TableRows(table);
        return new LoadEstimate(rows, BaseBytes + rows * PeakBytesPerEvent);
    }

    /// <summary>The one-line refusal when the estimate passes <paramref name="budgetBytes"/>, or null when it fits.</summary>
    public string? Refusal(WorkspaceConfig config, long budgetBytes)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Bytes <= budgetBytes)
            return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(config.ConfigPath)}: the in-memory engine needs about {Size(Bytes)} for about {EventRows:N0} event rows, more than engine.memory_budget {Size(budgetBytes)}; compute features out of core with 'engine: {{ kind: duckdb, memory_budget: {Size(budgetBytes).Replace(" ", "", StringComparison.Ordinal)} }}' or raise the budget");
    }

    private static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MB");

    /// <summary>
    /// Estimated data rows of a table's files (headers excluded). At most <see cref="SampledFiles"/> files of each kind (gzip, plain
    /// text) are sampled; the others take their kind's rows per byte, so a glob of thousands of files costs a few reads. A file that
    /// cannot be opened counts 0 (the load reports it).
    /// </summary>
    internal static long TableRows(TableSource table)
    {
        long rows = 0;
        var rate = new (long Lines, long Bytes)[2];
        var pending = new List<(long Size, int Kind)>();
        foreach (var path in table.Paths)
        {
            try
            {
                if ((table.Format ?? TableParser.FormatOf(path)) == FileFormat.Parquet)
                {
                    rows += ParquetRows(path);
                    continue;
                }
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
                var kind = IsGzip(file) ? 1 : 0;
                if (rate[kind].Bytes >= SampledFiles * (long)SampleBytes)
                {
                    pending.Add((file.Length, kind));
                    continue;
                }
                var (lines, sampled) = Sample(file, kind == 1);
                rate[kind] = (rate[kind].Lines + lines, rate[kind].Bytes + sampled);
                rows += Math.Max(0, (long)Math.Round(lines / (double)Math.Max(1, sampled) * file.Length) - 1);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DuckDBException)
            {
                // unreadable: the load names it
            }
        }
        foreach (var (size, kind) in pending)
            rows += Math.Max(0, (long)Math.Round(rate[kind].Lines / (double)rate[kind].Bytes * size) - 1);
        return rows;
    }

    private const int SampledFiles = 4;

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var gzip = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return gzip;
    }

    /// <summary>Lines in the first <see cref="SampleBytes"/> of the file (compressed bytes for gzip) and the bytes that held them.</summary>
    private static (long Lines, long Bytes) Sample(FileStream file, bool gzip)
    {
        var sampled = Math.Min(file.Length, SampleBytes);
        if (!gzip)
            return (CountLines(new BoundedRead(file, sampled)), sampled);
        // GZipStream returns the prefix of a cut stream without complaint: exactly what a sample of the first compressed bytes needs.
        var head = new byte[sampled];
        file.ReadExactly(head);
        using var inflate = new GZipStream(new MemoryStream(head), CompressionMode.Decompress);
        return (CountLines(inflate), sampled);
    }

    private static long CountLines(Stream stream)
    {
        var buffer = new byte[1 << 16];
        long lines = 0;
        try
        {
            int n;
            while ((n = stream.Read(buffer)) > 0)
                lines += buffer.AsSpan(0, n).Count((byte)'\n');
        }
        catch (InvalidDataException)
        {
            // the sample cut a deflate block: the lines before it are the sample
        }
        return lines;
    }

    private static long ParquetRows(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var cmd = connection.CreateCommand();
        // sum() of BIGINT is a HUGEINT (a BigInteger here, which Convert cannot take): cast back.
        cmd.CommandText = "SELECT CAST(coalesce(sum(num_rows), 0) AS BIGINT) FROM parquet_file_metadata(" + QuoteLiteral(path) + ")";
        return Convert.ToInt64(cmd.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);
    }

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>The first <c>limit</c> bytes of a stream.</summary>
    private sealed class BoundedRead(Stream inner, long limit) : ForwardOnlyStream
    {
        private long _left = limit;

        public override int Read(Span<byte> buffer)
        {
            if (_left <= 0)
                return 0;
            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
            _left -= n;
            return n;
        }
    }
}
