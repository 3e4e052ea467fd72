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
    /// Filter columns of <paramref name="filters"/> are bound after the attributes (a column may be both).
    public static RowReader Open(string path, TableSource source, string[] slots, CancellationToken cancellationToken, out string[] attributes, out RowFilters filters)
    {
        if (source.Database is { } database)
            return OpenPostgres(database, path, source, slots, out attributes, out filters);
        var format = source.Format ?? TableParser.FormatOf(path);
        if (format == FileFormat.Parquet)
        {
            var parquet = new ParquetRowReader(path);
            try
            {
                attributes = [.. parquet.Header.Where(h => h.Length > 0 && Array.IndexOf(slots, h) < 0)];
                filters = new RowFilters(source.Filters, slots.Length + attributes.Length);
                parquet.Bind([.. slots, .. attributes, .. RowFilters.Columns(source)], -1, []);
                filters.Require(parquet, path);
                return parquet;
            }
            catch
            {
                parquet.Dispose();
                throw;
            }
        }
        var stream = DataFile.Open(path, cancellationToken);
        try
        {
            if (format == FileFormat.Csv)
            {
                var csv = new CsvRowReader(stream, Path.GetFileName(path), source);
                attributes = [.. csv.Header.Where(h => h.Length > 0 && Array.IndexOf(slots, h) < 0)];
                filters = new RowFilters(source.Filters, slots.Length + attributes.Length);
                csv.Bind([.. slots, .. attributes, .. RowFilters.Columns(source)], -1, []);
                filters.Require(csv, path);
                return csv;
            }
            var json = new NdjsonRowReader(stream);
            attributes = [.. source.AttributeColumns];
            filters = new RowFilters(source.Filters, slots.Length + attributes.Length);
            json.Bind([.. slots, .. attributes, .. RowFilters.Columns(source)], []);
            return json;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>A PostgreSQL table bound like a CSV file: every column not among the slots is an attribute, then the filter columns.</summary>
    private static PostgresRowReader OpenPostgres(DatabaseSource database, string path, TableSource source, string[] slots, out string[] attributes, out RowFilters filters)
    {
        var table = new PostgresRowReader(database);
        try
        {
            attributes = [.. table.Header.Where(h => h.Length > 0 && Array.IndexOf(slots, h) < 0)];
            filters = new RowFilters(source.Filters, slots.Length + attributes.Length);
            table.Bind([.. slots, .. attributes, .. RowFilters.Columns(source)], -1, []);
            filters.Require(table, path);
            return table;
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    /// <summary>Opens a CSV or Parquet table or a PostgreSQL one (a lookup table) bound to just the given columns.</summary>
    public static RowReader OpenColumns(string path, string[] columns, DatabaseSource? database = null)
    {
        if (database is not null)
        {
            var table = new PostgresRowReader(database);
            try
            {
                table.Bind(columns, -1, []);
                return table;
            }
            catch
            {
                table.Dispose();
                throw;
            }
        }
        if (TableParser.FormatOf(path) == FileFormat.Parquet)
        {
            var parquet = new ParquetRowReader(path);
            parquet.Bind(columns, -1, []);
            return parquet;
        }
        var stream = DataFile.Open(path);
        try
        {
            var csv = new CsvRowReader(stream, Path.GetFileName(path));
            csv.Bind(columns, -1, []);
            return csv;
        }
        catch
        {
            stream.Dispose(); // also stops a gzip file's read-ahead thread
            throw;
        }
    }

    /// <summary>Fails the load when a CSV file lacks a required column (a partial file must never load as whole).</summary>
    public static void Require(RowReader reader, string path, (int Slot, string Column)[] required)
    {
        if (reader.Header is not { } header)
            return;
        foreach (var (slot, column) in required)
        {
            if (!reader.HasColumn(slot))
                throw new DataLoadException(path, $"missing required column '{column}' (columns: {string.Join(", ", header)})");
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
