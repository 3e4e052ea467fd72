namespace Pql.Core.Ingest;

/// <summary>
/// Streams the rows of one data file as values for a fixed set of requested columns ("slots"),
/// so the loaders treat CSV and NDJSON alike. Values are spans valid until the next <see cref="Read"/>.
/// </summary>
internal abstract class RowReader : IDisposable
{
    /// <summary>Moves to the next row; false at the end of the file.</summary>
    public abstract bool Read();

    /// <summary>1-based line number where the current row starts (the CSV header is line 1).</summary>
    public abstract long Line { get; }

    /// <summary>The slot's value; empty when the column is absent or empty.</summary>
    public abstract ReadOnlySpan<char> Get(int slot);

    /// <summary>When the row cannot be split into fields at all (bad JSON line, wrong field count): why.</summary>
    public abstract string? RowError { get; }

    /// <summary>The field a <see cref="RowError"/> is about ("(row)" when it is about the whole row).</summary>
    public virtual string RowErrorField => "(row)";

    /// <summary>The file's column names when it declares them up front (CSV header, Parquet schema); null for NDJSON.</summary>
    public virtual IReadOnlyList<string>? Header => null;

    /// <summary>Whether the file has the slot's column (from the header, or seen in any NDJSON row).</summary>
    public abstract bool HasColumn(int slot);

    /// <summary>Values of properties the engine keeps; null entries when absent. Set after Read.</summary>
    public abstract string? Property(int keyIndex);

    /// <summary>When the row's properties are not a valid JSON object: why.</summary>
    public abstract string? PropertiesError { get; }

    /// <summary>The row's <see cref="PreparedRow"/> when a parsing thread computed it (see <see cref="ParallelCsvRowReader"/>).</summary>
    public virtual bool TryGetPrepared(out PreparedRow prepared)
    {
        prepared = default;
        return false;
    }

    /// <summary>The pools the current row's <see cref="PreparedRow.Event"/> and <see cref="PreparedRow.Product"/> codes index, when it came prepared.</summary>
    public virtual PreparedNames? PreparedNames => null;

    /// <summary>The <see cref="PreparedRow"/> of the row <paramref name="ahead"/> rows on, when it is already prepared (for prefetching).</summary>
    public virtual bool TryPeekPrepared(int ahead, out PreparedRow prepared)
    {
        prepared = default;
        return false;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
