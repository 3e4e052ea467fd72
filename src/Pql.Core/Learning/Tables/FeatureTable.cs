using System.Globalization;
using Pql.Core.Features;
using Pql.Core.Workspace;

namespace Pql.Core.Learning.Tables;

/// <summary>A plain feature table read from CSV: features, 0/1 labels and optional pass-through ids.</summary>
public sealed class FeatureTable
{
    public required FeatureMatrix Features { get; init; }
    public required byte[] Labels { get; init; }
    /// <summary>Id column values, or row numbers (1-based) when no id column was named.</summary>
    public required string[] Ids { get; init; }

    /// <summary>
    /// Reads a CSV with a header. Every column but the label and id is a feature: a column whose non-empty cells
    /// all parse as numbers (invariant culture) is numeric, any other column is categorical with levels in order of
    /// first appearance. Pass <paramref name="schema"/> (the training table's features) when reading a test file:
    /// columns then take the training kind and levels; unparsable numbers and unseen levels become missing.
    /// Empty cells are missing (NaN). Labels: 0/1, true/false or yes/no.
    /// </summary>
    public static FeatureTable Read(string path, string label, string? id, FeatureMatrix? schema = null)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataLoadException(path, ex.Message, ex);
        }
        if (lines.Length == 0)
            throw new DataLoadException(path, "the file is empty; it needs a header row");
        var header = CsvLine.Split(lines[0]);
        var labelIndex = Array.IndexOf(header, label);
        if (labelIndex < 0)
            throw new DataLoadException(path, $"no label column '{label}' (columns: {string.Join(", ", header.Take(10))}...)");
        var idIndex = id is null ? -1 : Array.IndexOf(header, id);
        if (id is not null && idIndex < 0)
            throw new DataLoadException(path, $"no id column '{id}'");
        var featureIndex = new List<int>();
        for (var c = 0; c < header.Length; c++)
        {
            if (c != labelIndex && c != idIndex)
                featureIndex.Add(c);
        }
        if (schema is not null)
        {
            foreach (var col in schema.Columns)
            {
                if (Array.IndexOf(header, col.Name) < 0)
                    throw new DataLoadException(path, $"lacks the training column '{col.Name}'");
            }
        }

        var n = lines.Length - 1;
        while (n > 0 && lines[n].Length == 0)
            n--;
        var cells = new string[n][];
        Parallel.For(0, n, r => cells[r] = CsvLine.Split(lines[r + 1]));
        var labels = new byte[n];
        var ids = new string[n];
        for (var r = 0; r < n; r++)
        {
            var row = cells[r];
            if (row.Length != header.Length)
                throw new DataLoadException(path, $"line {r + 2}: {row.Length} fields, the header has {header.Length}");
            labels[r] = ParseLabel(row[labelIndex], path, r + 2);
            ids[r] = idIndex >= 0 ? row[idIndex] : (r + 1).ToString(CultureInfo.InvariantCulture);
        }
        var names = schema is null ? featureIndex.Select(c => header[c]).ToArray() : schema.Columns.Select(c => c.Name).ToArray();
        var columns = new FeatureColumn[names.Length];
        Parallel.For(0, names.Length, f =>
        {
            var c = Array.IndexOf(header, names[f]);
            var template = schema?.Columns[f];
            columns[f] = template is null ? InferColumn(names[f], cells, c) : ColumnLike(template, cells, c);
        });
        var matrix = new FeatureMatrix { RowCount = n, Columns = columns, RowEntity = Enumerable.Range(0, n).ToArray() };
        return new FeatureTable { Features = matrix, Labels = labels, Ids = ids };
    }

    private static byte ParseLabel(string text, string path, int line)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "1" or "1.0" or "true" or "yes":
                return 1;
            case "0" or "0.0" or "false" or "no":
                return 0;
            default:
                throw new DataLoadException(path, $"line {line}: label '{text}' is not 0/1, true/false or yes/no");
        }
    }

    private static FeatureColumn InferColumn(string name, string[][] cells, int c)
    {
        var values = new float[cells.Length];
        for (var r = 0; r < cells.Length; r++)
        {
            var s = cells[r][c];
            if (s.Length == 0)
                values[r] = float.NaN;
            else if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                values[r] = (float)v;
            else
                return Categorical(name, cells, c, null);
        }
        return new FeatureColumn { Name = name, Values = values };
    }

    private static FeatureColumn ColumnLike(FeatureColumn template, string[][] cells, int c)
    {
        if (template.Kind == FeatureKind.Categorical)
            return Categorical(template.Name, cells, c, template.Levels);
        var values = new float[cells.Length];
        for (var r = 0; r < cells.Length; r++)
        {
            var s = cells[r][c];
            values[r] = s.Length > 0 && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? (float)v : float.NaN;
        }
        return new FeatureColumn { Name = template.Name, Values = values };
    }

    private static FeatureColumn Categorical(string name, string[][] cells, int c, IReadOnlyList<string>? fixedLevels)
    {
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        var levels = new List<string>();
        if (fixedLevels is not null)
        {
            foreach (var l in fixedLevels)
            {
                codes.TryAdd(l, levels.Count);
                levels.Add(l);
            }
        }
        var values = new float[cells.Length];
        for (var r = 0; r < cells.Length; r++)
        {
            var s = cells[r][c];
            if (s.Length == 0)
            {
                values[r] = float.NaN;
                continue;
            }
            if (!codes.TryGetValue(s, out var code))
            {
                if (fixedLevels is not null)
                {
                    values[r] = float.NaN;
                    continue;
                }
                code = levels.Count;
                codes.Add(s, code);
                levels.Add(s);
            }
            values[r] = code;
        }
        return new FeatureColumn { Name = name, Kind = FeatureKind.Categorical, Levels = fixedLevels ?? levels, Values = values };
    }
}
