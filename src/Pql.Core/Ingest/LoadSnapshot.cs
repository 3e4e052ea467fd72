using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Load once: the loaded store is kept in the workspace state folder, keyed by the input files' identity (the configured files
/// and the ingest segments pql serve appends to; path, size,
/// modification time, XxHash3 of the first and last 64 KB), everything in pql.yaml the loader reads (the data section,
/// the products map, the property keys kept) and the engine build. A later load with the same key maps it back instead
/// of parsing; any change, or a damaged file, rebuilds it.
/// </summary>
internal static class LoadSnapshot
{
    public const string FileName = "store.snapshot";
    private const int EdgeBytes = 1 << 16;

    public static string PathOf(WorkspaceConfig config) => Path.Combine(config.StateDirectory, FileName);

    public static byte[] Key(WorkspaceConfig config, IReadOnlyList<string> propertyKeys)
    {
        var text = new StringBuilder();
        text.Append("engine ").Append(typeof(EventStore).Assembly.ManifestModule.ModuleVersionId).Append('\n');
        text.Append("data ").Append(JsonSerializer.Serialize(config.Data)).Append('\n');
        foreach (var (ev, product) in config.ProductOfEvent.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append("product ").Append(ev).Append('=').Append(product).Append('\n');
        text.Append("properties ").AppendJoin(',', propertyKeys).Append('\n');
        var hash = new XxHash128();
        hash.Append(Encoding.UTF8.GetBytes(text.ToString()));
        foreach (var path in InputFiles(config.Data))
            AppendIdentity(hash, path);
        foreach (var path in PostedFiles(config)) // rows posted to pql serve are inputs too: a snapshot without them is stale
            AppendIdentity(hash, path);
        return hash.GetCurrentHash();
    }

    private static IEnumerable<string> InputFiles(DataConfig data)
    {
        foreach (var table in new[] { data.Accounts, data.Users }.Concat(data.Events).Concat(data.Metrics))
        {
            if (table is null)
                continue;
            foreach (var p in table.Paths)
                yield return p;
            if (table.AccountVia is { } via)
                yield return via.Path;
        }
    }

    private static IEnumerable<string> PostedFiles(WorkspaceConfig config)
    {
        foreach (var source in new[] { IngestSegments.Accounts(config), IngestSegments.Users(config), IngestSegments.Events(config) })
        {
            if (source is null)
                continue;
            foreach (var p in source.Paths)
                yield return p;
        }
    }

    private static void AppendIdentity(XxHash128 hash, string path)
    {
        var info = new FileInfo(path);
        hash.Append(Encoding.UTF8.GetBytes(path));
        Span<byte> meta = stackalloc byte[16];
        BitConverter.TryWriteBytes(meta, info.Exists ? info.Length : -1);
        BitConverter.TryWriteBytes(meta[8..], info.Exists ? info.LastWriteTimeUtc.Ticks : 0);
        hash.Append(meta);
        if (!info.Exists)
            return;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        var buffer = new byte[EdgeBytes];
        var n = file.Read(buffer);
        hash.Append(buffer.AsSpan(0, n));
        if (info.Length > EdgeBytes)
        {
            file.Position = Math.Max(EdgeBytes, info.Length - EdgeBytes);
            n = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            hash.Append(buffer.AsSpan(0, n));
        }
    }

    public static void Save(string path, byte[] key, LoadResult load) =>
        StoreSnapshot.Write(path, key, load.Store, JsonSerializer.Serialize(ReportRecord.Of(load.Report)));

    /// <summary>The snapshot's store and report, or null with why it cannot be used.</summary>
    public static LoadResult? Open(string path, byte[] key, out string? problem)
    {
        try
        {
            if (StoreSnapshot.Read(path, key, out problem) is not { } opened)
                return null;
            var report = JsonSerializer.Deserialize<ReportRecord>(opened.Note)!.ToReport();
            report.FromSnapshot = true;
            return new LoadResult(opened.Store, report);
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"the snapshot could not be read ({ex.Message})";
            return null;
        }
    }

    /// <summary>The load report as stored with the snapshot.</summary>
    private sealed record ReportRecord(
        List<FileRecord> Files, SortedDictionary<string, long> RejectsByReason, long ImplicitUsers, string? RejectsPath,
        long? LatencyMedianMs, long? LatencyP95Ms, long ConflictingDuplicates, List<string> ConflictSamples)
    {
        public static ReportRecord Of(LoadReport r) => new(
            [.. r.Files.Select(f => new FileRecord(f.File, f.Table, f.Read, f.Loaded, f.Duplicates, f.Rejected, f.Filtered))],
            r.RejectsByReason, r.ImplicitUsers, r.RejectsPath, r.LatencyMedianMs, r.LatencyP95Ms, r.ConflictingDuplicates, r.ConflictSamples);

        public LoadReport ToReport()
        {
            var r = new LoadReport
            {
                ImplicitUsers = ImplicitUsers,
                RejectsPath = RejectsPath,
                LatencyMedianMs = LatencyMedianMs,
                LatencyP95Ms = LatencyP95Ms,
                ConflictingDuplicates = ConflictingDuplicates,
            };
            foreach (var f in Files)
                r.Files.Add(new FileLoadStats(f.File, f.Table) { Read = f.Read, Loaded = f.Loaded, Duplicates = f.Duplicates, Rejected = f.Rejected, Filtered = f.Filtered });
            foreach (var (reason, n) in RejectsByReason)
                r.RejectsByReason[reason] = n;
            r.ConflictSamples.AddRange(ConflictSamples);
            return r;
        }
    }

    private sealed record FileRecord(string File, string Table, long Read, long Loaded, long Duplicates, long Rejected, long Filtered);
}
