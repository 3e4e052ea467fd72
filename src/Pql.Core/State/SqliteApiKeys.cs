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

    public SqliteApiKeys(string databasePath, TimeProvider? time = null)
    {
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
    public static SqliteApiKeys OpenWorkspace(string stateDirectory, TimeProvider? time = null) =>
        new(Path.Combine(stateDirectory, "state.db"), time);

    public Task<string> CreateKeyAsync(string name, ApiKeyRole role, Actor actor, CancellationToken cancellationToken = default)
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
        Audit(c, tx, now, actor, "api-key.create", $"{name} ({RoleText(role)})");
        tx.Commit();
        return Task.FromResult(secret);
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

    public Task<bool> RevokeKeyAsync(string name, Actor actor, CancellationToken cancellationToken = default)
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
            Audit(c, tx, now, actor, "api-key.revoke", name);
        tx.Commit();
        return Task.FromResult(changed);
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

    /// <summary>The audit table belongs to the state schema; when the state store has not created it yet, the key change is not audited.</summary>
    private static void Audit(SqliteConnection c, SqliteTransaction tx, long now, Actor actor, string action, string detail)
    {
        using var has = Command(c, tx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'");
        if (Convert.ToInt64(has.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            return;
        using var cmd = Command(c, tx, "INSERT INTO audit (at_ms, actor, action, detail) VALUES ($t, $a, $x, $d)");
        cmd.Parameters.AddWithValue("$t", now);
        cmd.Parameters.AddWithValue("$a", actor.ToString());
        cmd.Parameters.AddWithValue("$x", action);
        cmd.Parameters.AddWithValue("$d", detail);
        cmd.ExecuteNonQuery();
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
