using System.Text;

namespace Pql.Core.Learning.Tables;

/// <summary>Splits one CSV line (RFC 4180 quoting within the line: quoted commas and doubled quotes).</summary>
internal static class CsvLine
{
    public static string[] Split(string line)
    {
        if (!line.Contains('"', StringComparison.Ordinal))
            return line.Split(',');
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(ch);
            }
        }
        fields.Add(sb.ToString());
        return [.. fields];
    }
}
