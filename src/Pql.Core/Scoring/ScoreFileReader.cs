using System.Globalization;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Scoring;

/// <summary>One entity's row of a score file in the contract's format.</summary>
public readonly record struct ScoreFileRow(double Score, string Tier);

/// <summary>
/// Reads any tool's score file in the contract's format (<c>entity_id,score,tier,top_drivers</c>, extra columns
/// ignored), so a backtest can measure it beside the engine. A bad row is one clear error naming file, line and field.
/// </summary>
public static class ScoreFileReader
{
    public static IReadOnlyDictionary<string, ScoreFileRow> Read(string path)
    {
        if (!File.Exists(path))
            throw new PqlInputException($"{path}: score file not found");
        using var stream = File.OpenRead(path);
        using var reader = new CsvRowReader(stream, path);
        foreach (var column in (string[])["entity_id", "score"])
        {
            if (!reader.Header.Contains(column))
                throw new PqlInputException($"{path}: line 1: the header has no '{column}' column (the contract's score file is entity_id,score,tier,top_drivers)");
        }
        reader.Bind(["entity_id", "score", "tier"], -1, []);
        var rows = new Dictionary<string, ScoreFileRow>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (reader.RowError is { } error)
                throw new PqlInputException($"{path}: line {reader.Line}: {error}");
            var id = reader.Get(0).ToString();
            if (id.Length == 0)
                throw new PqlInputException($"{path}: line {reader.Line}: field 'entity_id' is empty");
            if (!double.TryParse(reader.Get(1), NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score))
                throw new PqlInputException($"{path}: line {reader.Line}: field 'score': '{reader.Get(1).ToString()}' is not a number");
            var tier = reader.HasColumn(2) ? reader.Get(2).ToString() : "";
            if (!rows.TryAdd(id, new ScoreFileRow(score, tier)))
                throw new PqlInputException($"{path}: line {reader.Line}: field 'entity_id': '{id}' appears twice");
        }
        return rows;
    }
}
