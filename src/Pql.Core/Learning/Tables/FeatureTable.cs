using System.Globalization;
using Pql.Core.Features;
using Pql.Core.Ingest;

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
    /// Empty cells are missing (NaN). Labels: 0/1, true/false or yes/no. Rows are parsed in parallel straight from
    /// the line text; only categorical cells and ids become strings.
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

        // Which feature (by output position) each CSV column feeds, or -1.
        var names = schema is null
            ? header.Where((_, c) => c != labelIndex && c != idIndex).ToArray()
            : schema.Columns.Select(c => c.Name).ToArray();
        var featureOf = new int[header.Length];
        Array.Fill(featureOf, -1);
        for (var f = 0; f < names.Length; f++)
        {
            var c = Array.IndexOf(header, names[f]);
            if (c < 0)
                throw new DataLoadException(path, $"lacks the training column '{names[f]}'");
            featureOf[c] = f;
        }
        var categorical = new bool[names.Length];
        for (var f = 0; f < names.Length; f++)
            categorical[f] = schema?.Columns[f].Kind == FeatureKind.Categorical;

        var n = lines.Length - 1;
        while (n > 0 && lines[n].Length == 0)
            n--;
        var values = new float[names.Length][];
        for (var f = 0; f < values.Length; f++)
            values[f] = new float[n];
        var labels = new byte[n];
        var ids = new string[n];
        var text = new bool[names.Length];   // train: a cell that is not a number makes the column categorical
        var error = (string?)null;
        Parallel.For(0, (n + 4095) / 4096, b =>
        {
            var end = Math.Min(n, (b + 1) * 4096);
            for (var r = b * 4096; r < end; r++)
            {
                var problem = ParseRow(lines[r + 1], r, header.Length, labelIndex, idIndex, featureOf, categorical, schema is null, values, labels, ids, text);
                if (problem is not null)
                {
                    lock (values)
                        error ??= $"line {r + 2}: {problem}";
                    return;
                }
            }
        });
        if (error is not null)
            throw new DataLoadException(path, error);

        var columns = new FeatureColumn[names.Length];
        Parallel.For(0, names.Length, f =>
        {
            if (categorical[f] || text[f])
            {
                var levels = schema?.Columns[f].Levels;
                var c = Array.IndexOf(header, names[f]);
                columns[f] = Categorical(names[f], lines, n, c, levels, values[f]);
            }
            else
            {
                columns[f] = new FeatureColumn { Name = names[f], Values = values[f] };
            }
        });
        if (idIndex < 0)
        {
            for (var r = 0; r < n; r++)
                ids[r] = (r + 1).ToString(CultureInfo.InvariantCulture);
        }
        var matrix = new FeatureMatrix { RowCount = n, Columns = columns, RowEntity = Enumerable.Range(0, n).ToArray() };
        return new FeatureTable { Features = matrix, Labels = labels, Ids = ids };
    }

    private static string? ParseRow(string line, int r, int fields, int labelIndex, int idIndex, int[] featureOf, bool[] categorical,
        bool inferring, float[][] values, byte[] labels, string[] ids, bool[] text)
    {
        if (line.Contains('"', StringComparison.Ordinal))
            return ParseQuotedRow(CsvLine.Split(line), r, fields, labelIndex, idIndex, featureOf, categorical, inferring, values, labels, ids, text);
        var span = line.AsSpan();
        var c = 0;
        var start = 0;
        while (true)
        {
            var comma = span[start..].IndexOf(',');
            var cell = comma < 0 ? span[start..] : span.Slice(start, comma);
            if (c >= fields)
                return $"more than the header's {fields} fields";
            var problem = Cell(cell, c, r, labelIndex, idIndex, featureOf, categorical, inferring, values, labels, ids, text);
            if (problem is not null)
                return problem;
            c++;
            if (comma < 0)
                break;
            start += comma + 1;
        }
        return c == fields ? null : $"{c} fields, the header has {fields}";
    }

    private static string? ParseQuotedRow(string[] cells, int r, int fields, int labelIndex, int idIndex, int[] featureOf, bool[] categorical,
        bool inferring, float[][] values, byte[] labels, string[] ids, bool[] text)
    {
        if (cells.Length != fields)
            return $"{cells.Length} fields, the header has {fields}";
        for (var c = 0; c < cells.Length; c++)
        {
            var problem = Cell(cells[c], c, r, labelIndex, idIndex, featureOf, categorical, inferring, values, labels, ids, text);
            if (problem is not null)
                return problem;
        }
        return null;
    }

    private static string? Cell(ReadOnlySpan<char> cell, int c, int r, int labelIndex, int idIndex, int[] featureOf, bool[] categorical,
        bool inferring, float[][] values, byte[] labels, string[] ids, bool[] text)
    {
        if (c == labelIndex)
        {
            var y = ParseLabel(cell.Trim());
            if (y < 0)
                return $"label '{cell.ToString()}' is not 0/1, true/false or yes/no";
            labels[r] = (byte)y;
            return null;
        }
        if (c == idIndex)
        {
            ids[r] = cell.ToString();
            return null;
        }
        var f = featureOf[c];
        if (f < 0 || categorical[f])
            return null;
        if (cell.IsEmpty)
        {
            values[f][r] = float.NaN;
        }
        else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            values[f][r] = (float)v;
        }
        else
        {
            values[f][r] = float.NaN;
            if (inferring)
                text[f] = true;
        }
        return null;
    }

    private static int ParseLabel(ReadOnlySpan<char> s)
    {
        if (s is "1" or "1.0" || s.Equals("true", StringComparison.OrdinalIgnoreCase) || s.Equals("yes", StringComparison.OrdinalIgnoreCase))
            return 1;
        if (s is "0" or "0.0" || s.Equals("false", StringComparison.OrdinalIgnoreCase) || s.Equals("no", StringComparison.OrdinalIgnoreCase))
            return 0;
        return -1;
    }

    /// <summary>Codes a categorical column in row order (levels in order of first appearance, or the given levels).</summary>
    private static FeatureColumn Categorical(string name, string[] lines, int n, int c, IReadOnlyList<string>? fixedLevels, float[] values)
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
        var lookup = codes.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var r = 0; r < n; r++)
        {
            var line = lines[r + 1];
            var cell = line.Contains('"', StringComparison.Ordinal) ? CsvLine.Split(line)[c].AsSpan() : Field(line, c);
            if (cell.IsEmpty)
            {
                values[r] = float.NaN;
                continue;
            }
            if (!lookup.TryGetValue(cell, out var code))
            {
                if (fixedLevels is not null)
                {
                    values[r] = float.NaN;
                    continue;
                }
                code = levels.Count;
                var s = cell.ToString();
                codes.Add(s, code);
                levels.Add(s);
            }
            values[r] = code;
        }
        return new FeatureColumn { Name = name, Kind = FeatureKind.Categorical, Levels = fixedLevels ?? levels, Values = values };
    }

    private static ReadOnlySpan<char> Field(string line, int c)
    {
        var span = line.AsSpan();
        for (var i = 0; i < c; i++)
        {
            var comma = span.IndexOf(',');
            if (comma < 0)
                return [];
            span = span[(comma + 1)..];
        }
        var end = span.IndexOf(',');
        return end < 0 ? span : span[..end];
    }
}
