using System.Globalization;
using System.Text;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Features;

/// <summary>
/// Writes a feature matrix as CSV for other tools (XGBoost, scikit-learn, pandas): <c>entity_id,cutoff[,label],features...</c>.
/// Numbers use the shortest round-trip form; missing values are empty; categorical features are written as their
/// level names so other tools see strings.
/// </summary>
public static class FeatureCsv
{
    public static void Write(TextWriter writer, FeatureMatrix matrix, EventStore store, EntityKind entity, ReadOnlySpan<byte> labels = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(store);
        if (!labels.IsEmpty && labels.Length != matrix.RowCount)
            throw new ArgumentException($"{labels.Length} labels for {matrix.RowCount} rows", nameof(labels));
        var ids = entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var line = new StringBuilder(64 + matrix.ColumnCount * 8);
        line.Append("entity_id,cutoff");
        if (!labels.IsEmpty)
            line.Append(",label");
        foreach (var c in matrix.Columns)
            line.Append(',').Append(Quote(c.Name));
        writer.Write(line.Append('\n'));

        Span<char> number = stackalloc char[32];
        string? lastCutoffText = null;
        long lastCutoff = long.MinValue;
        for (var r = 0; r < matrix.RowCount; r++)
        {
            line.Clear();
            line.Append(Quote(ids[matrix.RowEntity[r]])).Append(',');
            if (matrix.RowCutoff[r] != lastCutoff || lastCutoffText is null)
            {
                lastCutoff = matrix.RowCutoff[r];
                lastCutoffText = Timestamps.Format(lastCutoff);
            }
            line.Append(lastCutoffText);
            if (!labels.IsEmpty)
                line.Append(',').Append(labels[r] == 1 ? '1' : '0');
            foreach (var c in matrix.Columns)
            {
                line.Append(',');
                var v = c.Values[r];
                if (float.IsNaN(v))
                    continue;
                if (c.Kind == FeatureKind.Categorical)
                    line.Append(Quote(c.Levels[(int)v]));
                else if (v.TryFormat(number, out var n, "R", CultureInfo.InvariantCulture))
                    line.Append(number[..n]);
            }
            writer.Write(line.Append('\n'));
        }
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
