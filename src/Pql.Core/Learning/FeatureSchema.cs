using Pql.Core.Features;

namespace Pql.Core.Learning;

/// <summary>
/// The columns a model was trained on. Scoring matches columns BY NAME: a column absent from the scoring matrix
/// is all-missing (NaN); categorical codes are re-mapped by level name when the scoring matrix numbers its levels
/// differently (a level unseen in training becomes missing).
/// </summary>
public sealed class FeatureSchema
{
    public FeatureSchema(IReadOnlyList<string> names, IReadOnlyList<FeatureKind> kinds, IReadOnlyList<IReadOnlyList<string>> levels)
    {
        Names = names;
        Kinds = kinds;
        Levels = levels;
    }

    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<FeatureKind> Kinds { get; }
    public IReadOnlyList<IReadOnlyList<string>> Levels { get; }
    public int Count => Names.Count;

    public static FeatureSchema Of(FeatureMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var names = new string[m.ColumnCount];
        var kinds = new FeatureKind[m.ColumnCount];
        var levels = new IReadOnlyList<string>[m.ColumnCount];
        for (var c = 0; c < names.Length; c++)
        {
            names[c] = m.Columns[c].Name;
            kinds[c] = m.Columns[c].Kind;
            levels[c] = m.Columns[c].Levels;
        }
        return new FeatureSchema(names, kinds, levels);
    }

    /// <summary>The scoring matrix's columns in this schema's order (shared arrays where no remapping is needed).</summary>
    public float[][] Align(FeatureMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var result = new float[Count][];
        for (var c = 0; c < Count; c++)
        {
            var idx = m.IndexOf(Names[c]);
            if (idx < 0)
            {
                var empty = new float[m.RowCount];
                Array.Fill(empty, float.NaN);
                result[c] = empty;
                continue;
            }
            var col = m.Columns[idx];
            result[c] = Kinds[c] == FeatureKind.Categorical && !SameLevels(Levels[c], col.Levels)
                ? Remap(col.Values, col.Levels, Levels[c])
                : col.Values;
        }
        return result;
    }

    private static bool SameLevels(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (b.Count == 0)
            return true;   // codes without names: taken as they are
        if (b.Count > a.Count)
            return false;
        for (var i = 0; i < b.Count; i++)
        {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }

    private static float[] Remap(float[] values, IReadOnlyList<string> from, IReadOnlyList<string> to)
    {
        var index = new Dictionary<string, int>(to.Count, StringComparer.Ordinal);
        for (var i = 0; i < to.Count; i++)
            index.TryAdd(to[i], i);
        var map = new float[from.Count];
        for (var i = 0; i < from.Count; i++)
            map[i] = index.TryGetValue(from[i], out var code) ? code : float.NaN;
        var result = new float[values.Length];
        for (var r = 0; r < values.Length; r++)
        {
            var v = values[r];
            result[r] = float.IsNaN(v) || v < 0 || v >= map.Length ? float.NaN : map[(int)v];
        }
        return result;
    }
}
