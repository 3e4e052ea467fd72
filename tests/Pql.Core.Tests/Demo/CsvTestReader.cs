using System.IO.Compression;
using System.Text;

namespace Pql.Core.Tests.Demo;

/// <summary>A minimal RFC 4180 reader for checking generated files independently of the engine's loader.</summary>
internal static class CsvTestReader
{
    /// <summary>Reads a CSV (or .csv.gz) file into its header and rows; each row keeps its raw line too.</summary>
    public static (string[] Header, List<CsvRow> Rows) Read(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        var rows = Parse(text);
        var header = rows[0].Fields;
        rows.RemoveAt(0);
        return (header, rows);
    }

    public static List<CsvRow> Parse(string text)
    {
        var rows = new List<CsvRow>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var lineStart = 0;
        var quoted = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i += 2;
                    continue;
                }
                if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    rows.Add(new CsvRow([.. fields], text[lineStart..i]));
                    fields.Clear();
                    lineStart = i + 1;
                    break;
                default:
                    field.Append(c);
                    break;
            }
            i++;
        }
        Assert.False(quoted, "unterminated quoted field at end of file");
        Assert.Equal(text.Length, lineStart);
        return rows;
    }
}

internal sealed record CsvRow(string[] Fields, string Line)
{
    public string this[int index] => Fields[index];
}
