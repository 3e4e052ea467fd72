namespace Pql.Core.Ingest;

/// <summary>
/// Values a loader computes from one row on a parsing thread instead of its own (see <see cref="RowPreparer"/>): pure
/// functions of the row's text, so the loader's result is the same whether or not a row came prepared.
/// </summary>
internal struct PreparedRow
{
    /// <summary>The timestamp in Unix ms, when <see cref="TimeParsed"/>.</summary>
    public long Time;
    public bool TimeParsed;
    /// <summary>The 128-bit hash of the trimmed event id (<see cref="EventIdSet.Hash"/>), when the row has one.</summary>
    public bool HasEventId;
    public UInt128 EventIdHash;
    /// <summary>Codes found in a copy of the pools taken before the file (-1: not found there; ask the live pool).</summary>
    public int User;
    public int Account;
}

/// <summary>Fills a row's <see cref="PreparedRow"/> on a parsing thread; must only read the row and immutable state.</summary>
internal delegate void RowPreparer(RowReader row, ref PreparedRow prepared);
