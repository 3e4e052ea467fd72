using System.Globalization;
using System.Text;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Rows received over HTTP (<c>pql serve</c>), kept as NDJSON segments in <c>&lt;workspace&gt;/.pql/ingest/</c> with the contract's
/// column names. Every load of the workspace adds them as implicit sources, whatever pql.yaml declares, so <c>pql train</c>,
/// <c>pql score</c> and a restarted server see them through the same loader:
/// <list type="bullet">
/// <item><c>events-*.ndjson</c>: appended in batches, read after the configured event files (dedupe by event_id keeps the first).</item>
/// <item><c>accounts-*.ndjson</c>, <c>users-*.ndjson</c>: one file per upsert batch, read newest first and before the configured
/// files; the loader keeps an entity's first row, so the latest posted row wins.</item>
/// </list>
/// </summary>
public static class IngestSegments
{
    public const string FolderName = "ingest";

    public static string Folder(WorkspaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Path.Combine(config.StateDirectory, FolderName);
    }

    /// <summary>The event segments as one NDJSON source (null when there are none).</summary>
    public static TableSource? Events(WorkspaceConfig config) => Source(config, "events", newestFirst: false);

    /// <summary>The account upserts, newest first (null when there are none).</summary>
    public static TableSource? Accounts(WorkspaceConfig config) => Source(config, "accounts", newestFirst: true);

    /// <summary>The user upserts, newest first (null when there are none).</summary>
    public static TableSource? Users(WorkspaceConfig config) => Source(config, "users", newestFirst: true);

    /// <summary>The shape of the event segments (contract columns, NDJSON), for loading posted rows held in memory.</summary>
    internal static TableSource PostedEvents() => Shape("events", []);

    private static TableSource? Source(WorkspaceConfig config, string table, bool newestFirst)
    {
        var folder = Folder(config);
        if (!Directory.Exists(folder))
            return null;
        // Names carry a zero-padded sequence, so ordinal order is write order.
        var paths = Directory.GetFiles(folder, table + "-*.ndjson").Order(StringComparer.Ordinal).ToList();
        if (paths.Count == 0)
            return null;
        if (newestFirst)
            paths.Reverse();
        return Shape(table, paths);
    }

    private static TableSource Shape(string table, List<string> paths) => new()
    {
        Name = table,
        Origin = TableOrigin.Files,
        Pattern = Path.Combine(".pql", FolderName, table + "-*.ndjson"),
        Paths = paths,
        Format = FileFormat.Ndjson,
    };
}

/// <summary>
/// Appends received rows to the ingest segments durably: the write is flushed to the disk (<c>fsync</c>) before it returns, so a
/// caller told 202 keeps its rows through a crash. One writer per workspace and process; calls are serialised.
/// </summary>
public sealed class IngestSegmentWriter : IDisposable
{
    private readonly string _folder;
    private readonly long _rollBytes;
    private readonly Lock _gate = new();
    private FileStream? _events;
    private long _sequence;

    public IngestSegmentWriter(WorkspaceConfig config, long rollBytes = 64L << 20)
    {
        _folder = IngestSegments.Folder(config);
        _rollBytes = rollBytes;
        Directory.CreateDirectory(_folder);
        foreach (var file in Directory.GetFiles(_folder, "*.ndjson"))
            _sequence = Math.Max(_sequence, SequenceOf(file));
    }

    /// <summary>
    /// Appends event lines (each one JSON object, no newline) and fsyncs. Each process starts a new segment, so a line torn by a crash
    /// (never acknowledged) stays the last line of its file, where the loader rejects it as a bad row.
    /// </summary>
    public void AppendEvents(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
            return;
        var bytes = Encode(lines);
        lock (_gate)
        {
            if (_events is null || _events.Length >= _rollBytes)
            {
                _events?.Dispose();
                _events = new FileStream(NextPath("events"), FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
            }
            _events.Write(bytes);
            _events.Flush(flushToDisk: true);
        }
    }

    /// <summary>Writes one upsert batch of accounts or users as its own segment, durably (written, fsync'd, then renamed into place).</summary>
    public void WriteEntities(string table, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (table is not ("accounts" or "users"))
            throw new ArgumentException("accounts or users", nameof(table));
        if (lines.Count == 0)
            return;
        var bytes = Encode(lines);
        lock (_gate)
        {
            var path = NextPath(table);
            var temp = path + ".tmp";
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _events?.Dispose();
            _events = null;
        }
    }

    private string NextPath(string table) =>
        Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"{table}-{++_sequence:D10}.ndjson"));

    private static byte[] Encode(IReadOnlyList<string> lines)
    {
        var sb = new StringBuilder();
        foreach (var line in lines)
            sb.Append(line).Append('\n');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static long SequenceOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var dash = name.LastIndexOf('-');
        return dash >= 0 && long.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }
}
