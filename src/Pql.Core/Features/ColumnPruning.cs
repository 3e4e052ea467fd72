namespace Pql.Core.Features;

/// <summary>
/// Keeps the column count in check before learning: a column that is constant over the rows (missing counts as a value)
/// cannot split, and a column equal to an earlier one bit for bit (e.g. the events of a product that has one event
/// name and that name's own count) only splits importance and drivers between two names for one fact.
/// </summary>
public static class ColumnPruning
{
    /// <summary>
    /// The matrix without constant or duplicate columns (the first of a duplicate set is kept), and the names dropped.
    /// Columns named in <paramref name="keep"/> (e.g. those the rules score weighs) always stay.
    /// </summary>
    public static (FeatureMatrix Matrix, IReadOnlyList<string> Dropped) DropUninformative(FeatureMatrix matrix, IReadOnlySet<string>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var kept = new List<FeatureColumn>(matrix.ColumnCount);
        var dropped = new List<string>();
        var seen = new Dictionary<ulong, List<FeatureColumn>>();
        foreach (var column in matrix.Columns)
        {
            if (keep?.Contains(column.Name) == true)
            {
                kept.Add(column);
                continue;
            }
            if (IsConstant(column.Values))
            {
                dropped.Add(column.Name);
                continue;
            }
            var hash = Hash(column.Values);
            if (!seen.TryGetValue(hash, out var same))
                seen[hash] = same = [];
            if (same.Exists(c => c.Kind == column.Kind && c.Values.AsSpan().SequenceEqual(column.Values)))
            {
                dropped.Add(column.Name);
                continue;
            }
            same.Add(column);
            kept.Add(column);
        }
        if (dropped.Count == 0)
            return (matrix, dropped);
        return (new FeatureMatrix { RowCount = matrix.RowCount, Columns = kept, RowEntity = matrix.RowEntity, RowCutoff = matrix.RowCutoff }, dropped);
    }

    private static bool IsConstant(float[] values)
    {
        if (values.Length == 0)
            return true;
        var first = BitConverter.SingleToInt32Bits(values[0]);
        var firstNaN = float.IsNaN(values[0]);
        foreach (var v in values)
        {
            if (float.IsNaN(v) ? !firstNaN : firstNaN || BitConverter.SingleToInt32Bits(v) != first)
                return false;
        }
        return true;
    }

    /// <summary>FNV-1a over the raw bits (NaNs normalised), to find duplicate candidates without comparing every pair.</summary>
    private static ulong Hash(float[] values)
    {
        var h = 14695981039346656037UL;
        foreach (var v in values)
            h = (h ^ (uint)(float.IsNaN(v) ? int.MinValue + 1 : BitConverter.SingleToInt32Bits(v))) * 1099511628211UL;
        return h;
    }
}
