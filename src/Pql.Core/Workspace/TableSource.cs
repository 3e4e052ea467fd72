namespace Pql.Core.Workspace;

/// <summary>How a data file is encoded.</summary>
public enum FileFormat
{
    Csv,
    Ndjson,
    Parquet,
}

/// <summary>How timestamps are written in a file: ISO 8601 (the contract), or Unix epoch seconds / milliseconds.</summary>
public enum TimestampFormat
{
    Iso,
    UnixSeconds,
    UnixMillis,
}

/// <summary>How a CSV file's bytes become text. UTF-8 is strict: a row with invalid bytes is rejected, never repaired.</summary>
public enum TextEncoding
{
    Utf8,
    Latin1,
    Windows1252,
}

/// <summary>
/// A <c>where:</c> row filter on one of the file's columns: keep rows whose value is (or, negated, is not) one of
/// <see cref="Values"/>. Rows it drops are counted as filtered, not rejected.
/// </summary>
public sealed record RowFilter(string Column, IReadOnlyList<string> Values, bool Negate)
{
    public bool Keeps(ReadOnlySpan<char> value)
    {
        var match = false;
        foreach (var v in Values)
        {
            if (value.SequenceEqual(v))
            {
                match = true;
                break;
            }
        }
        return match != Negate;
    }
}

/// <summary>Where a table's rows come from.</summary>
public enum TableOrigin
{
    /// <summary>Read from the files in <see cref="TableSource.Paths"/>.</summary>
    Files,

    /// <summary>Accounts made from users: each distinct user account_id is an account (e.g. each user is their own account).</summary>
    FromUsers,

    /// <summary>Users made from the event files' rows (first row per user wins for attributes).</summary>
    FromEvents,
}

/// <summary>
/// One table of the workspace (accounts, users or one event source) as declared in <c>pql.yaml</c>:
/// which files, which format, and how the file's own column names map to the contract's.
/// </summary>
public sealed record TableSource
{
    public required string Name { get; init; }
    public required TableOrigin Origin { get; init; }
    /// <summary>The pattern as written (relative to the workspace), for messages.</summary>
    public string Pattern { get; init; } = "";
    /// <summary>The resolved files, sorted by name so loads are deterministic.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
    public FileFormat? Format { get; init; }
    /// <summary>Contract column name -> the file's column name. Unmapped contract columns use their own name.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; init; } = new Dictionary<string, string>();
    public TimestampFormat TimestampFormat { get; init; } = TimestampFormat.Iso;
    /// <summary>Every row of this source is this event (e.g. a churn table whose rows are all <c>churned</c>).</summary>
    public string? ConstantEvent { get; init; }
    /// <summary>Every row of this source belongs to this product.</summary>
    public string? ConstantProduct { get; init; }
    /// <summary>Plain columns that become event properties (for CSV sources without a JSON properties column).</summary>
    public IReadOnlyList<string> PropertyColumns { get; init; } = [];
    /// <summary>Columns kept as attributes (users derived from events); empty = every unmapped column for files.</summary>
    public IReadOnlyList<string> AttributeColumns { get; init; } = [];
    /// <summary>Resolve the row's account through another table (events keyed by a subscription id, say).</summary>
    public AccountLookup? AccountVia { get; init; }
    /// <summary>Text encoding of CSV files (NDJSON is always UTF-8).</summary>
    public TextEncoding Encoding { get; init; } = TextEncoding.Utf8;
    /// <summary>CSV field delimiter; null = comma (with a hint when the header looks delimited by something else).</summary>
    public char? Delimiter { get; init; }
    /// <summary>Row filters; a row is kept only when every filter keeps it.</summary>
    public IReadOnlyList<RowFilter> Filters { get; init; } = [];
    /// <summary>When the export has no creation column, how rows get one; null = read the created_at column.</summary>
    public CreatedAtRule? CreatedAt { get; init; }
    /// <summary>Rows have no id column: each row's id is its line (row) number, prefixed by the file name in a glob of several files.</summary>
    public bool IdFromLine { get; init; }
    /// <summary>The key in pql.yaml this table was declared under (data.events[1], data.accounts), for hints.</summary>
    public string Key { get; init; } = "";
    /// <summary>Line of the source's declaration in pql.yaml.</summary>
    public int Line { get; init; }
    /// <summary>
    /// The table's rows come from a database (a PostgreSQL table or query) instead of files; <see cref="Paths"/> then holds one name,
    /// <see cref="DatabaseSource.Name"/>, that stands for the file in reports and rejects.
    /// </summary>
    public DatabaseSource? Database { get; init; }

    /// <summary>The file's name for a contract column.</summary>
    public string Column(string contractName) =>
        Columns.TryGetValue(contractName, out var mapped) ? mapped : contractName;
}

/// <summary>
/// How an accounts or users table without a creation column gets one: a constant time (<c>created_at: 2020-01-01</c>),
/// or, when <see cref="ConstantMs"/> is null, the entity's first event (<c>created_at: first_event</c>).
/// </summary>
public sealed record CreatedAtRule(long? ConstantMs)
{
    public bool FromFirstEvent => ConstantMs is null;
}

/// <summary>
/// A lookup table that maps a key found on each row to an account id: a CSV or Parquet file, or a PostgreSQL table or query
/// (<see cref="Database"/>, whose name <see cref="Path"/> then holds).
/// </summary>
public sealed record AccountLookup(string Path, string RowKey, string TableKey, string TableAccount, int Line)
{
    public DatabaseSource? Database { get; init; }
}

/// <summary>
/// A table read from PostgreSQL: a table or view (<see cref="Relation"/>, <c>postgres: schema.table</c>) or the rows of a query
/// (<see cref="Query"/>, <c>query: SELECT ...</c>), through a connection string held in the environment variable
/// <see cref="ConnectionEnv"/> (never in pql.yaml). <see cref="Key"/> and <see cref="Line"/> place the declaration for errors.
/// </summary>
public sealed record DatabaseSource(string? Relation, string? Query, string ConnectionEnv, string Key, int Line)
{
    /// <summary>What the rows are called in reports and rejects: <c>postgres:public.events</c>, or <c>postgres:query(data.users)</c>.</summary>
    public string Name => Relation is not null ? $"postgres:{Relation}" : $"postgres:query({Key})";
}
