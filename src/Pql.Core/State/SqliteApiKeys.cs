using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

/// <summary>
/// API keys in the workspace's state file (<c>.pql/state.db</c>), table <c>api_keys</c>. The table is created here with
/// <c>IF NOT EXISTS</c> rather than as a schema migration step so the keys stay independent of the run and outbox schema.
/// Thread-safe: each call opens its own connection (the server checks keys on every request, from many threads).
/// </summary>
public sealed class SqliteApiKeys : IApiKeys
{
    /// <summary>Secrets start with this, so a leaked one is recognisable in a scan of logs or repositories.</summary>
    public const string SecretPrefix = "pql_";

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    /// <summary>The audit trail key changes join when the workspace's state is not this file (PostgreSQL state); null: this file's.</summary>
    private readonly IAuditLog? _stateAudit;

    /// <param name="databasePath">The SQLite file that holds the keys (the workspace's <c>.pql/state.db</c>).</param>
    /// <param name="time">The clock of created and revoked times.</param>
    /// <param name="stateAudit">
    /// The workspace's audit trail when its state lives elsewhere (PostgreSQL): each key change is appended there while the key's own
    /// write transaction is still open, and a failed append rolls the key change back, so no key change goes unaudited.
    /// </param>
    public SqliteApiKeys(string databasePath, TimeProvider? time = null, IAuditLog? stateAudit = null)
    {
        _stateAudit = stateAudit;
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, DefaultTimeout = 60 }.ToString();
        _time = time ?? TimeProvider.System;
        using var c = Open();
        Execute(c, null, "PRAGMA journal_mode = WAL");
        Execute(c, null, """
            CREATE TABLE IF NOT EXISTS api_keys (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                secret_sha256 TEXT NOT NULL UNIQUE,
                prefix TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                revoked_ms INTEGER)
            """);
        Execute(c, null, "CREATE UNIQUE INDEX IF NOT EXISTS ix_api_keys_active_name ON api_keys(name) WHERE revoked_ms IS NULL");
    }

    /// <summary>The keys of a workspace's state directory.</summary>
    public static SqliteApiKeys OpenWorkspace(string stateDirectory, TimeProvider? time = null, IAuditLog? stateAudit = null) =>
        new(Path.Combine(stateDirectory, "state.db"), time, stateAudit);

    public async Task<string> CreateKeyAsync(string name, ApiKeyRole role, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(actor);
        var secret = SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false);
        using (var exists = Command(c, tx, "SELECT COUNT(*) FROM api_keys WHERE name = $n AND revoked_ms IS NULL"))
        {
            exists.Parameters.AddWithValue("$n", name);
            if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
                throw new Workspace.PqlInputException($"an active API key named '{name}' exists; revoke it first");
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using (var insert = Command(c, tx, "INSERT INTO api_keys (name, role, secret_sha256, prefix, created_ms) VALUES ($n, $r, $h, $p, $t)"))
        {
            insert.Parameters.AddWithValue("$n", name);
            insert.Parameters.AddWithValue("$r", RoleText(role));
            insert.Parameters.AddWithValue("$h", Hash(secret));
            insert.Parameters.AddWithValue("$p", secret[..(SecretPrefix.Length + 6)]);
            insert.Parameters.AddWithValue("$t", now);
            insert.ExecuteNonQuery();
        }
        await AuditAsync(c, tx, new AuditEntry(now, actor.ToString(), "api-key.create", $"{name} ({RoleText(role)})"), cancellationToken).ConfigureAwait(false);
        tx.Commit();
        return secret;
    }

    public Task<ApiKeyRecord?> FindKeyAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
            return Task.FromResult<ApiKeyRecord?>(null);
        using var c = Open();
        using var cmd = Command(c, null, "SELECT name, role, prefix, created_ms, revoked_ms FROM api_keys WHERE secret_sha256 = $h AND revoked_ms IS NULL");
        cmd.Parameters.AddWithValue("$h", Hash(secret));
        using var r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? Read(r) : null);
    }

    public async Task<bool> RevokeKeyAsync(string name, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using var cmd = Command(c, tx, "UPDATE api_keys SET revoked_ms = $t WHERE name = $n AND revoked_ms IS NULL");
        cmd.Parameters.AddWithValue("$t", now);
        cmd.Parameters.AddWithValue("$n", name);
        var changed = cmd.ExecuteNonQuery() > 0;
        if (changed)
            await AuditAsync(c, tx, new AuditEntry(now, actor.ToString(), "api-key.revoke", name), cancellationToken).ConfigureAwait(false);
        tx.Commit();
        return changed;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> KeysAsync(CancellationToken cancellationToken = default)
    {
        using var c = Open();
        using var cmd = Command(c, null, "SELECT name, role, prefix, created_ms, revoked_ms FROM api_keys ORDER BY id");
        using var r = cmd.ExecuteReader();
        var list = new List<ApiKeyRecord>();
        while (r.Read())
            list.Add(Read(r));
        return Task.FromResult<IReadOnlyList<ApiKeyRecord>>(list);
    }

    public static string RoleText(ApiKeyRole role) => role switch
    {
        ApiKeyRole.Read => "read",
        ApiKeyRole.Write => "write",
        _ => "admin",
    };

    public static ApiKeyRole? ParseRole(string text) => text switch
    {
        "read" => ApiKeyRole.Read,
        "write" => ApiKeyRole.Write,
        "admin" => ApiKeyRole.Admin,
        _ => null,
    };

    private static ApiKeyRecord Read(SqliteDataReader r) =>
        new(r.GetString(0), ParseRole(r.GetString(1)) ?? ApiKeyRole.Read, r.GetString(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// Appends the key change to the workspace's hash-chained audit trail inside the key's transaction: in this file, chained to its last
    /// entry (the transaction holds SQLite's write lock, so the last hash is current); or in the state store given at construction.
    /// The audit table belongs to the state schema: in a file the state store has not created yet, the key change is not audited
    /// (<c>KeysService</c> opens the state store first, so <c>pql keys</c> always is).
    /// </summary>
    private async Task AuditAsync(SqliteConnection c, SqliteTransaction tx, AuditEntry entry, CancellationToken cancellationToken)
    {
        if (_stateAudit is not null)
        {
            await _stateAudit.AppendAuditAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }
        using var has = Command(c, tx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'");
        if (Convert.ToInt64(has.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            return;
        SqliteStateStore.AppendChained(tx, entry);
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static void Execute(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(c, tx, sql);
        cmd.ExecuteNonQuery();
    }
}
