using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// A table's <c>where:</c> filters bound to reader slots. A row a filter drops is counted as filtered (it was read
/// on purpose and left out), so real errors keep their own count against <c>data.max_reject_share</c>.
/// </summary>
internal sealed class RowFilters(IReadOnlyList<RowFilter> filters, int firstSlot)
{
    /// <summary>The columns to bind, in filter order, after the loader's own slots.</summary>
    public static string[] Columns(TableSource source)
    {
        var columns = new string[source.Filters.Count];
        for (var i = 0; i < columns.Length; i++)
            columns[i] = source.Filters[i].Column;
        return columns;
    }

    /// <summary>A filter on a column the file does not have would drop every row (or none): an error naming it.</summary>
    public void Require(RowReader reader, string path)
    {
        for (var i = 0; i < filters.Count; i++)
            RowReaders.Require(reader, path, [(firstSlot + i, filters[i].Column)]);
    }

    public bool Keeps(RowReader reader)
    {
        for (var i = 0; i < filters.Count; i++)
        {
            if (!filters[i].Keeps(reader.Get(firstSlot + i).Trim()))
                return false;
        }
        return true;
    }
}
