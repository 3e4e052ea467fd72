using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pql.Core.Scoring;

/// <summary>Writes the contract's score file: <c>entity_id,score,tier,top_drivers</c>, one row per eligible entity.</summary>
public static class ScoreCsv
{
    public const string Header = "entity_id,score,tier,top_drivers";

    public static void Write(ScoreRun run, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false)))
        {
            w.Write(Header);
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
                w.Write('\n');
            }
        }
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary><c>[{"feature":"docs.active_days_30d","value":12,"contribution":0.21}]</c>; a missing value is null.</summary>
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
                if (double.IsFinite(d.Value))
                    json.WriteNumber("value", Math.Round(d.Value, 6));
                else
                    json.WriteNull("value");
                json.WriteNumber("contribution", Math.Round(d.Contribution, 6));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
