using Npgsql;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Streams a PostgreSQL table, view or query as text values, so the loaders apply every row rule (rejects, dedupe, where:, lookups) as to
/// a file. Only the bound columns are selected, each cast to text by the server, and the rows come through one binary <c>COPY ... TO
/// STDOUT</c> without a command timeout: nothing is buffered beyond Npgsql's read buffer, whatever the table's size. The session runs in UTC with ISO dates, so a
/// timestamptz arrives as <c>2026-03-01 12:00:00+00</c> and a timestamp or date without a zone as UTC, which the loaders' ISO parser reads;
/// booleans arrive as true/false, as a CSV or Parquet export writes them. <see cref="RowReader.Line"/> is the 1-based row number in the order the
/// server returns rows: a table is scanned with <c>synchronize_seqscans</c> off, so from its first block (insertion order for a table only
/// appended to); a query returns its own order (ORDER BY makes it defined). Connection and server errors become one line naming the table
/// (<see cref="IOException"/>, which <see cref="DataFile.Read"/> reports), never the connection string.
/// </summary>
internal sealed class PostgresRowReader : SelectedColumnsRowReader
{
    private readonly DatabaseSource _source;
    private readonly NpgsqlConnection _connection;
    private readonly string[] _names;
    private readonly string[] _types;
    private NpgsqlBinaryExporter? _copy;

    public override IReadOnlyList<string> Header => _names;

    public PostgresRowReader(DatabaseSource source)
    {
        _source = source;
        var connectionString = Environment.GetEnvironmentVariable(source.ConnectionEnv);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidDataException($"the environment variable {source.ConnectionEnv} ({source.Key}.connection_env) is not set; it must hold the PostgreSQL connection string");
        NpgsqlConnectionStringBuilder settings;
        try
        {
            // No command timeout: a query may take long before its first row, and a large table long to stream.
            settings = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"the connection string in {source.ConnectionEnv} is not valid: {e.Message}", e);
        }
        _connection = Guard("could not connect", () => Connect(settings.ConnectionString));
        try
        {
            (_names, _types) = Guard("could not read the columns", Describe);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    private static NpgsqlConnection Connect(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            // UTC and ISO so the text of a time is what the ISO parser reads; no synchronized scans so a table is read from its first block.
            using var set = new NpgsqlCommand("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET synchronize_seqscans = off", connection);
            set.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>What the rows are selected from: the table as written in pql.yaml (validated there), or the query as a subquery.</summary>
    private string Relation => _source.Relation ?? $"({_source.Query}) AS pql_source";

    private (string[] Names, string[] Types) Describe()
    {
        using var cmd = new NpgsqlCommand($"SELECT * FROM {Relation} LIMIT 0", _connection);
        using var r = cmd.ExecuteReader();
        var names = new string[r.FieldCount];
        var types = new string[r.FieldCount];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = r.GetName(i);
            types[i] = r.GetDataTypeName(i);
            var first = Array.IndexOf(names, names[i], 0, i);
            if (first >= 0)
                throw new InvalidDataException($"columns {first + 1} and {i + 1} are both named '{names[i]}'; give one another name (AS) in the query");
        }
        return (names, types);
    }

    /// <summary>Maps slots to columns by name and starts the export of just those columns.</summary>
    public void Bind(IReadOnlyList<string> slotColumns, int propertiesSlot, string[] propertyKeys)
    {
        var selected = SelectColumns(slotColumns, propertiesSlot, propertyKeys);
        var columns = selected.Count == 0 ? "1" : string.Join(", ", selected.Select(c => AsText(_names[c], _types[c])));
        _copy = Guard("could not start reading", () => _connection.BeginBinaryExport($"COPY (SELECT {columns} FROM {Relation}) TO STDOUT (FORMAT BINARY)"));
    }

    /// <summary>The column as text: booleans as true/false (as CSV and Parquet exports write them), everything else as the server prints it.</summary>
    private static string AsText(string column, string type)
    {
        var quoted = "\"" + column.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return type == "boolean"
            ? $"CASE WHEN {quoted} THEN 'true' WHEN NOT {quoted} THEN 'false' END"
            : $"CAST({quoted} AS text)";
    }

    protected override bool ReadValues(string?[] values)
    {
        var copy = _copy ?? throw new InvalidOperationException("Bind the columns before reading");
        return Guard($"row {Line + 1}", () => ReadRow(copy, values));
    }

    private static bool ReadRow(NpgsqlBinaryExporter copy, string?[] values)
    {
        if (copy.StartRow() < 0)
            return false;
        for (var c = 0; c < values.Length; c++)
        {
            if (copy.IsNull)
            {
                copy.Skip();
                values[c] = null;
            }
            else
            {
                values[c] = copy.Read<string>(NpgsqlTypes.NpgsqlDbType.Text);
            }
        }
        return true;
    }

    /// <summary>A server or connection error as one line naming what failed (the caller names the table).</summary>
    private static T Guard<T>(string what, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (NpgsqlException e)
        {
            var message = e is PostgresException pg ? pg.MessageText : e.Message;
            throw new IOException($"{what}: {message.Split('\n')[0].Trim()}", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        try
        {
            _copy?.Dispose(); // an export left before its end is cancelled here
        }
        catch (NpgsqlException)
        {
            // cancelling an unfinished export reports the cancellation; the connection is closed next anyway
        }
        _connection.Dispose();
    }
}
