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

    /// <summary>
    /// Why a load cannot be snapshot, or null when it can. A table read from PostgreSQL has no cheap identity: a row count or a maximum
    /// time misses rows updated or replaced in place, a query may read now() or other tables, and a checksum of the rows costs the full
    /// read the snapshot exists to avoid. A snapshot keyed on less could score stale rows without a word, so such a load always reads.
    /// </summary>
    public static string? Unkeyed(WorkspaceConfig config)
    {
        var data = config.Data;
        foreach (var table in new[] { data.Accounts, data.Users }.Concat(data.Events).Concat(data.Metrics))
        {
            if ((table?.Database ?? table?.AccountVia?.Database) is { } database)
                return $"{table!.Key} is read from PostgreSQL ({database.Name}), whose rows have no identity to key a snapshot on";
        }
        return null;
    }

    public static byte[] Key(WorkspaceConfig config, IReadOnlyList<string> propertyKeys) => Keys(config, propertyKeys).Key;

    /// <summary>
    /// The snapshot's key, split so an append can be recognised: <see cref="SnapshotKeys.Base"/> covers everything but the files of the
    /// last events table (the config, every other input file, the posted segments); <see cref="SnapshotKeys.Tail"/> is the identity of
    /// each file of that table in load order; the key hashes both.
    /// </summary>
    public static SnapshotKeys Keys(WorkspaceConfig config, IReadOnlyList<string> propertyKeys)
    {
        var text = new StringBuilder();
        text.Append("engine ").Append(typeof(EventStore).Assembly.ManifestModule.ModuleVersionId).Append('\n');
        var tailTable = config.Data.Events.Count > 0 ? config.Data.Events[^1] : null;
        // The tail table's resolved file list is in the tail, not the base, so a new file of its glob leaves the base unchanged.
        var data = tailTable is null ? config.Data : config.Data with { Events = [.. config.Data.Events.Take(config.Data.Events.Count - 1), tailTable with { Paths = [] }] };
        text.Append("data ").Append(JsonSerializer.Serialize(data)).Append('\n');
        foreach (var (ev, product) in config.ProductOfEvent.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append("product ").Append(ev).Append('=').Append(product).Append('\n');
        text.Append("properties ").AppendJoin(',', propertyKeys).Append('\n');
        var hash = new XxHash128();
        hash.Append(Encoding.UTF8.GetBytes(text.ToString()));
        foreach (var path in InputFiles(config.Data, tailTable))
            AppendIdentity(hash, path);
        foreach (var path in PostedFiles(config)) // rows posted to pql serve are inputs too: a snapshot without them is stale
            AppendIdentity(hash, path);
        var baseKey = Convert.ToHexString(hash.GetCurrentHash());
        var tail = new List<TailFile>();
        foreach (var path in tailTable?.Paths ?? [])
        {
            var file = new XxHash128();
            AppendIdentity(file, path);
            tail.Add(new TailFile(path, Convert.ToHexString(file.GetCurrentHash())));
        }
        var key = new XxHash128();
        key.Append(Encoding.UTF8.GetBytes(baseKey));
        foreach (var f in tail)
            key.Append(Encoding.UTF8.GetBytes(f.Identity));
        return new SnapshotKeys(key.GetCurrentHash(), baseKey, tail);
    }

    private static IEnumerable<string> InputFiles(DataConfig data, TableSource? tail)
    {
        foreach (var table in new[] { data.Accounts, data.Users }.Concat(data.Events).Concat(data.Metrics))
        {
            if (table is null)
                continue;
            if (!ReferenceEquals(table, tail))
            {
                foreach (var p in table.Paths)
                    yield return p;
            }
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

    public static void Save(string path, SnapshotKeys keys, LoadResult load) =>
        StoreSnapshot.Write(path, keys.Key, load.Store, JsonSerializer.Serialize(ReportRecord.Of(load.Report) with { Base = keys.Base, Tail = [.. keys.Tail] }));

    /// <summary>The event-id hashes of a load, beside its snapshot under the same key (read only to append to that snapshot).</summary>
    public static string EventIdsPathOf(WorkspaceConfig config) => Path.Combine(config.StateDirectory, EventIdsFileName);

    public const string EventIdsFileName = "store.eventids";

    public static void SaveEventIds(string path, byte[] key, EventIdSet ids)
    {
        using var w = new SnapshotWriter(path);
        ids.WriteTo(w);
        w.Commit(key);
    }

    /// <summary>The event-id hashes saved with the snapshot of <paramref name="key"/>, or null (with why).</summary>
    public static UInt128[]? OpenEventIds(string path, byte[] key, out string? problem)
    {
        using var r = SnapshotReader.Open(path, key, out problem);
        return r?.Array<UInt128>();
    }

    /// <summary>
    /// A snapshot whatever its key (checksum still verified), with the base and tail it was saved under, for an append; null with why.
    /// </summary>
    public static (LoadResult Load, string Base, IReadOnlyList<TailFile> Tail, byte[] Key)? OpenAny(string path, out string? problem)
    {
        try
        {
            if (StoreSnapshot.Read(path, [], out problem) is not { } opened)
                return null;
            var record = JsonSerializer.Deserialize<ReportRecord>(opened.Note)!;
            if (record.Base is null || record.Tail is null)
            {
                problem = "the snapshot has no record of its files";
                return null;
            }
            return (new LoadResult(opened.Store, record.ToReport()), record.Base, record.Tail, HeaderKey(path));
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"the snapshot could not be read ({ex.Message})";
            return null;
        }
    }

    private static byte[] HeaderKey(string path)
    {
        using var file = File.OpenRead(path);
        var header = new byte[32];
        file.ReadExactly(header);
        return header[16..32];
    }

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
        /// <summary>The base key the snapshot was saved under (see <see cref="Keys"/>).</summary>
        public string? Base { get; init; }
        /// <summary>The files of the last events table the snapshot holds, in load order, with their identities.</summary>
        public List<TailFile>? Tail { get; init; }

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

    public sealed record TailFile(string Path, string Identity);

    public sealed record SnapshotKeys(byte[] Key, string Base, IReadOnlyList<TailFile> Tail);

    private sealed record FileRecord(string File, string Table, long Read, long Loaded, long Duplicates, long Rejected, long Filtered);
}
