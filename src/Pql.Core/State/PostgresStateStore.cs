using System.Text.RegularExpressions;
using Npgsql;

namespace Pql.Core.State;

/// <summary>
/// The shared state store: one schema of a PostgreSQL database (default <c>pql</c>), versioned by <see cref="PostgresMigrations"/>,
/// one partial file per concern. Every call takes a pooled connection, so one instance is safe to share between threads, and any
/// number of processes (dispatchers, <c>pql serve</c> instances) may use the same schema: runs are recorded under
/// <c>pg_advisory_xact_lock</c> per schema and goal, and outbox rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed partial class PostgresStateStore : IStateStore
{
    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _time;

    private PostgresStateStore(NpgsqlDataSource source, string schema, TimeProvider time)
    {
        _source = source;
        Schema = schema;
        _time = time;
    }

    /// <summary>Connects, creates <paramref name="schema"/> when missing and upgrades it to the latest schema version.</summary>
    public static async Task<PostgresStateStore> OpenAsync(string connectionString, string schema = "pql", TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        if (!SchemaName().IsMatch(schema))
            throw new ArgumentException($"state schema '{schema}' must be lowercase letters, digits and underscores, starting with a letter", nameof(schema));
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        var source = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            await using (var c = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                await PostgresMigrations.ApplyAsync(c, schema, cancellationToken).ConfigureAwait(false);
            return new PostgresStateStore(source, schema, time ?? TimeProvider.System);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema holding this workspace's state; it also names the workspace in the run lock.</summary>
    public string Schema { get; }

    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT max(version) FROM schema_version", c);
        return (int)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public void Dispose() => _source.Dispose();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private ValueTask<NpgsqlConnection> Connect(CancellationToken cancellationToken) => _source.OpenConnectionAsync(cancellationToken);

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    /// <summary>One statement on its own connection (autocommit); returns the rows it changed.</summary>
    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads every row of one query with <paramref name="read"/>.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, sql, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(read(r));
        return list;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
