using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pql.Core.Ingest;

/// <summary>Row accounting for one file: <c>Read = Loaded + Duplicates + Rejected + Filtered</c>, always.</summary>
public sealed class FileLoadStats(string file, string table)
{
    public string File { get; } = file;
    public string Table { get; } = table;
    public long Read { get; internal set; }
    public long Loaded { get; internal set; }
    public long Duplicates { get; internal set; }
    public long Rejected { get; internal set; }
    /// <summary>Rows left out by the table's <c>where:</c> filters (not errors).</summary>
    public long Filtered { get; internal set; }
}

/// <summary>What a load read, kept, merged and rejected, with the reasons.</summary>
public sealed class LoadReport
{
    public List<FileLoadStats> Files { get; } = [];
    /// <summary>Rejected rows by reason (e.g. "timestamp: not ISO 8601").</summary>
    public SortedDictionary<string, long> RejectsByReason { get; } = new(StringComparer.Ordinal);
    /// <summary>Users seen in events but absent from the users file (kept, attached to the event's account).</summary>
    public long ImplicitUsers { get; internal set; }
    /// <summary>Where rejected rows were written, or null when there were none.</summary>
    public string? RejectsPath { get; internal set; }
    /// <summary>Event delivery latency (received_at - timestamp) percentiles in ms, when events carry received_at.</summary>
    public long? LatencyMedianMs { get; internal set; }
    public long? LatencyP95Ms { get; internal set; }
    public double LoadSeconds { get; internal set; }
    /// <summary>The store was opened from the workspace's load snapshot instead of parsing the files.</summary>
    public bool FromSnapshot { get; internal set; }
    /// <summary>Files parsed by this load: every input file on a full load, only the new ones when they were appended to the snapshot, 0 when it was opened.</summary>
    public int FilesParsed { get; internal set; }
    /// <summary>New files of the last events glob were loaded and appended to the snapshot's store instead of rebuilding it.</summary>
    public bool Appended { get; internal set; }
    /// <summary>Entity rows repeating a kept id with different values (counted among duplicates; the first row is kept).</summary>
    public long ConflictingDuplicates { get; internal set; }
    /// <summary>The first conflicting repeats, one line each: where, which field differs, which row was kept.</summary>
    public List<string> ConflictSamples { get; } = [];

    public long Read => Files.Sum(f => f.Read);
    public long Loaded => Files.Sum(f => f.Loaded);
    public long Duplicates => Files.Sum(f => f.Duplicates);
    public long Rejected => Files.Sum(f => f.Rejected);
    public long Filtered => Files.Sum(f => f.Filtered);

    /// <summary>One line: the row accounting of the whole load.</summary>
    public string Summary() => FormattableString.Invariant(
        $"read {Read:N0} rows: loaded {Loaded:N0}, duplicates {Duplicates:N0}, rejected {Rejected:N0}") +
        (Filtered == 0 ? "" : FormattableString.Invariant($", filtered out by 'where' {Filtered:N0}")) +
        (RejectsPath is null ? "" : $" (see {RejectsPath})") +
        (ConflictingDuplicates == 0 ? "" : FormattableString.Invariant($"; {ConflictingDuplicates:N0} duplicate ids differ from the row kept, first: {ConflictSamples[0]}"));
}

/// <summary>The loaded store and the report of how it was loaded.</summary>
public sealed record LoadResult(Events.EventStore Store, LoadReport Report);

/// <summary>Options of a workspace load.</summary>
public sealed record LoadOptions
{
    /// <summary>Event property keys to keep beyond those the goals read (e.g. the integration-kind property).</summary>
    public IReadOnlyList<string> PropertyKeys { get; init; } = [];
    /// <summary>Where progress goes (file names, row counts) as <c>Progress</c> log events; none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;
    /// <summary>Write to the workspace state folder: the rejects file and the load snapshot. Default true.</summary>
    public bool WriteRejects { get; init; } = true;
    /// <summary>Open the load snapshot when the inputs are unchanged, and keep one after parsing. Default true.</summary>
    public bool Snapshot { get; init; } = true;
    /// <summary>
    /// Parse CSV event files in blocks on all cores (<see cref="ParallelCsvRowReader"/>); false reads them on one thread.
    /// Both give the same store, report and rejects. Default true.
    /// </summary>
    public bool ParallelParse { get; init; } = true;
    /// <summary>Stops the load (and its read-ahead threads) with an <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }
}
