using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

/// <summary>
/// The embedded state store: one SQLite file (<c>&lt;workspace&gt;/.pql/state.db</c>) in WAL mode, schema versioned by
/// <see cref="SqliteMigrations"/>, one partial file per concern. One instance holds one connection and is not thread-safe;
/// any number of processes may open the same file: SQLite serialises writers (<c>BEGIN IMMEDIATE</c>), <c>busy_timeout</c> waits.
/// </summary>
public sealed partial class SqliteStateStore : IStateStore
{
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;

    public SqliteStateStore(string databasePath, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(dir))
            Directory.CreateDirectory(dir);
        Path = databasePath;
        _time = time ?? TimeProvider.System;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Pooling = false,
            DefaultTimeout = 120,   // seconds a command retries on SQLITE_BUSY: concurrent runs queue instead of failing
        }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL");
        Execute("PRAGMA synchronous = NORMAL");   // WAL + NORMAL survives a killed process; only an OS crash may lose the last commits
        Execute("PRAGMA busy_timeout = 120000");
        Execute("PRAGMA foreign_keys = ON");
        if (SqliteMigrations.Apply(_connection) < 3)
            ChainUnchainedAudit();
    }

    /// <summary>The state file of a workspace: <c>&lt;stateDirectory&gt;/state.db</c>.</summary>
    public static SqliteStateStore OpenWorkspace(string stateDirectory, TimeProvider? time = null) =>
        new(System.IO.Path.Combine(stateDirectory, "state.db"), time);

    public string Path { get; }

    public int SchemaVersion => Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);

    public void Dispose() => _connection.Dispose();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A write transaction that takes SQLite's write lock at once (<c>BEGIN IMMEDIATE</c>), so reads inside it are current.</summary>
    private SqliteTransaction BeginWrite() => _connection.BeginTransaction(deferred: false);

    private SqliteCommand Command(SqliteTransaction? tx, string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(null, sql);
        cmd.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var cmd = Command(null, sql);
        return cmd.ExecuteScalar();
    }

    private static object DbValue(object? value) => value ?? DBNull.Value;
}
