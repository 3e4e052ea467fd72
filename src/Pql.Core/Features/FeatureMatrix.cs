namespace Pql.Core.Features;

/// <summary>How a learner should treat a column.</summary>
public enum FeatureKind
{
    /// <summary>A number; NaN means missing.</summary>
    Numeric,

    /// <summary>A category code stored as a float (0, 1, 2, ...); NaN means missing. Levels name the codes.</summary>
    Categorical,
}

/// <summary>One column of a feature matrix, stored contiguously (column-major) for learners and exporters.</summary>
public sealed class FeatureColumn
{
    public required string Name { get; init; }
    /// <summary>The family the column comes from (activity, product, adoption, synergy, ...), or "input" for plain tables.</summary>
    public string Family { get; init; } = "input";
    public FeatureKind Kind { get; init; } = FeatureKind.Numeric;
    /// <summary>Category level names by code, for categorical columns.</summary>
    public IReadOnlyList<string> Levels { get; init; } = [];
    public required float[] Values { get; init; }
    public string Description { get; init; } = "";
}

/// <summary>
/// Rows = (entity, cutoff) pairs, columns = features. Column-major float storage keeps the learner's
/// binning and histogram loops over contiguous memory.
/// </summary>
public sealed class FeatureMatrix
{
    public required int RowCount { get; init; }
    public required IReadOnlyList<FeatureColumn> Columns { get; init; }
    /// <summary>Entity code per row (account or user code in the event store), or the row number for plain tables.</summary>
    public int[] RowEntity { get; init; } = [];
    /// <summary>Cutoff per row, Unix milliseconds; empty for plain tables.</summary>
    public long[] RowCutoff { get; init; } = [];

    public int ColumnCount => Columns.Count;

    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == name)
                return i;
        }
        return -1;
    }

    /// <summary>Copies one row into a buffer (length = ColumnCount).</summary>
    public void CopyRow(int row, Span<float> destination)
    {
        for (var c = 0; c < Columns.Count; c++)
            destination[c] = Columns[c].Values[row];
    }

    /// <summary>A new matrix holding only the given rows, in the given order.</summary>
    public FeatureMatrix SelectRows(ReadOnlySpan<int> rows)
    {
        var cols = new FeatureColumn[Columns.Count];
        for (var c = 0; c < cols.Length; c++)
        {
            var src = Columns[c].Values;
            var dst = new float[rows.Length];
            for (var i = 0; i < rows.Length; i++)
                dst[i] = src[rows[i]];
            var col = Columns[c];
            cols[c] = new FeatureColumn { Name = col.Name, Family = col.Family, Kind = col.Kind, Levels = col.Levels, Values = dst, Description = col.Description };
        }
        var entity = RowEntity.Length == 0 ? [] : new int[rows.Length];
        var cutoff = RowCutoff.Length == 0 ? [] : new long[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            if (entity.Length > 0) entity[i] = RowEntity[rows[i]];
            if (cutoff.Length > 0) cutoff[i] = RowCutoff[rows[i]];
        }
        return new FeatureMatrix { RowCount = rows.Length, Columns = cols, RowEntity = entity, RowCutoff = cutoff };
    }
}
