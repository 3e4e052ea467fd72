using System.Globalization;
using System.Text;
using System.Text.Json;
using Pql.Core.Workspace;

namespace Pql.Core.Scoring;

/// <summary>
/// Writes the contract's score file: <c>entity_id,score,tier,top_drivers</c>, one row per eligible entity, then any attribute
/// columns asked for (<c>pql score --with-attributes name,owner</c>; a missing value is an empty cell).
/// </summary>
public static class ScoreCsv
{
    public const string Header = "entity_id,score,tier,top_drivers";

    private static readonly string[] ContractColumns = ["entity_id", "score", "tier", "top_drivers"];

    /// <summary>Checks attribute columns asked for against the entity's attributes; one line naming the bad one.</summary>
    public static void CheckAttributes(IReadOnlyList<string> wanted, IReadOnlyList<string> known, string entity)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(known);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in wanted)
        {
            if (ContractColumns.Contains(name))
                throw new PqlInputException($"--with-attributes: '{name}' is already one of the contract's columns ({Header})");
            if (!seen.Add(name))
                throw new PqlInputException($"--with-attributes: '{name}' is listed twice");
            if (!known.Contains(name))
                throw new PqlInputException($"--with-attributes: '{name}' is not an attribute of the {entity}s (known: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
        }
    }

    public static void Write(ScoreRun run, string path, IReadOnlyList<string>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        attributes ??= [];
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false)))
        {
            w.Write(Header);
            foreach (var a in attributes)
            {
                w.Write(',');
                w.Write(Quote(a));
            }
            w.Write('\n');
            foreach (var row in run.Rows)
            {
                w.Write(Quote(row.EntityId));
                w.Write(',');
                w.Write(row.Score.ToString("0.######", CultureInfo.InvariantCulture));
                w.Write(',');
                w.Write(Quote(row.Tier));
                w.Write(',');
                w.Write(Quote(DriversJson(row.Drivers)));
                foreach (var a in attributes)
                {
                    w.Write(',');
                    w.Write(row.Attributes.TryGetValue(a, out var v) ? Quote(v) : "");
                }
                w.Write('\n');
            }
        }
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>
    /// <c>[{"feature":"docs.active_days_30d","value":12,"contribution":0.041,"text":"..."}]</c>; a missing value is null,
    /// a category's value is its name.
    /// </summary>
    public static string DriversJson(IReadOnlyList<Driver> drivers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var d in drivers)
            {
                json.WriteStartObject();
                json.WriteString("feature", d.Feature);
                if (d.ValueName is not null)
                    json.WriteString("value", d.ValueName);
                else if (double.IsFinite(d.Value))
                    json.WriteNumber("value", Math.Round(d.Value, 6));
                else
                    json.WriteNull("value");
                json.WriteNumber("contribution", Math.Round(d.Contribution, 6));
                if (d.Text is not null)
                    json.WriteString("text", d.Text);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
