using System.Data.Common;
using DuckDB.NET.Data;

namespace Pql.Core.Ingest;

/// <summary>
/// Reads a Parquet file through an in-memory DuckDB, selecting only the bound columns, each cast to text so
/// the loaders treat it like a CSV (timestamps come out as ISO 8601 in UTC). <see cref="RowReader.Line"/> is the 1-based row.
/// DuckDB was chosen over Parquet.Net by measurement (docs/ARCHITECTURE.md).
/// </summary>
internal sealed class ParquetRowReader : SelectedColumnsRowReader
{
    private readonly string _path;
    private readonly DuckDBConnection _db;
    private DuckDBCommand? _command;
    private DbDataReader? _rows;

    public override IReadOnlyList<string> Header { get; }

    public ParquetRowReader(string path)
    {
        _path = path;
        _db = new DuckDBConnection("DataSource=:memory:");
        try
        {
            _db.Open();
            Execute("SET TimeZone = 'UTC'");
            var header = new List<string>();
            using var describe = _db.CreateCommand();
            describe.CommandText = $"DESCRIBE SELECT * FROM read_parquet({Literal(path)})";
            using var schema = describe.ExecuteReader();
            while (schema.Read())
                header.Add(schema.GetString(0));
            Header = header;
        }
        catch (DuckDBException ex)
        {
            _db.Dispose();
            throw new InvalidDataException($"{Path.GetFileName(path)}: not a readable Parquet file ({FirstLine(ex.Message)})", ex);
        }
    }

    /// <summary>Maps slots to columns by name and starts the scan over just those columns.</summary>
    public void Bind(IReadOnlyList<string> slotColumns, int propertiesSlot, string[] propertyKeys)
    {
        var selected = SelectColumns(slotColumns, propertiesSlot, propertyKeys);
        var columns = selected.Count == 0 ? "1" : string.Join(", ", selected.Select(c => $"CAST({Identifier(Header[c])} AS VARCHAR)"));
        _command = _db.CreateCommand();
        _command.CommandText = $"SELECT {columns} FROM read_parquet({Literal(_path)})";
        try
        {
            _rows = _command.ExecuteReader();
        }
        catch (DuckDBException ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(_path)}: {FirstLine(ex.Message)}", ex);
        }
    }

    protected override bool ReadValues(string?[] values)
    {
        var rows = _rows ?? throw new InvalidOperationException("Bind the columns before reading");
        bool more;
        try
        {
            more = rows.Read();
        }
        catch (DuckDBException ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(_path)}: row {Line + 1}: {FirstLine(ex.Message)}", ex);
        }
        if (!more)
            return false;
        for (var c = 0; c < rows.FieldCount && c < values.Length; c++)
            values[c] = rows.IsDBNull(c) ? null : rows.GetString(c);
        return true;
    }

    private void Execute(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Identifier(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        _rows?.Dispose();
        _command?.Dispose();
        _db.Dispose();
    }
}
