using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>Opening readers by format and the checks shared by every table loader.</summary>
internal static class RowReaders
{
    /// <summary>Rows between two looks at the load's cancellation token.</summary>
    public const int CancelCheckRows = 1 << 16;

    /// <summary>
    /// Opens a file and binds the given slots; every other column of a CSV header (or of the first NDJSON row)
    /// becomes an attribute slot after them, returned in <paramref name="attributes"/>.
    /// </summary>
    public static RowReader Open(string path, TableSource source, string[] slots, CancellationToken cancellationToken, out string[] attributes,
        int propertiesSlot = -1, string[]? propertyKeys = null)
    {
        var format = source.Format ?? TableParser.FormatOf(path);
        var stream = DataFile.Open(path, cancellationToken);
        try
        {
            if (format == FileFormat.Csv)
            {
                var csv = new CsvRowReader(stream, Path.GetFileName(path));
                attributes = [.. csv.Header.Where(h => h.Length > 0 && Array.IndexOf(slots, h) < 0)];
                csv.Bind([.. slots, .. attributes], propertiesSlot, propertyKeys ?? []);
                return csv;
            }
            var json = new NdjsonRowReader(stream);
            attributes = [.. source.AttributeColumns];
            json.Bind([.. slots, .. attributes], propertyKeys ?? []);
            return json;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Fails the load when a CSV file lacks a required column (a partial file must never load as whole).</summary>
    public static void Require(RowReader reader, string path, (int Slot, string Column)[] required)
    {
        if (reader is not CsvRowReader csv)
            return;
        foreach (var (slot, column) in required)
        {
            if (!csv.HasColumn(slot))
                throw new DataLoadException(path, $"missing required column '{column}' (columns: {string.Join(", ", csv.Header)})");
        }
    }

    public static List<KeyValuePair<string, string>> Attributes(RowReader reader, string[] attributes, int firstSlot)
    {
        var list = new List<KeyValuePair<string, string>>(attributes.Length);
        for (var i = 0; i < attributes.Length; i++)
        {
            var v = reader.Get(firstSlot + i).Trim();
            list.Add(new(attributes[i], v.ToString()));
        }
        return list;
    }
}
