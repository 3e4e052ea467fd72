using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

/// <summary>Schema versions of the SQLite state file, applied in order; <c>PRAGMA user_version</c> records the last one.</summary>
internal static class SqliteMigrations
{
    /// <summary>Each entry upgrades the schema by one version. Append only: never edit a shipped step.</summary>
    private static readonly string[][] s_steps =
    [
        [
            """
            CREATE TABLE score_runs (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL UNIQUE,
                goal TEXT NOT NULL,
                model_version TEXT NOT NULL,
                model_kind TEXT NOT NULL,
                as_of_ms INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                row_count INTEGER NOT NULL)
            """,
            "CREATE INDEX ix_score_runs_goal ON score_runs(goal, seq)",
            """
            CREATE TABLE entity_scores (
                run_seq INTEGER NOT NULL REFERENCES score_runs(seq),
                entity_id TEXT NOT NULL,
                score REAL NOT NULL,
                tier TEXT NOT NULL,
                drivers_json TEXT NOT NULL,
                attributes_json TEXT NOT NULL,
                PRIMARY KEY (run_seq, entity_id))
            """,
            "CREATE INDEX ix_entity_scores_entity ON entity_scores(entity_id, run_seq)",
            """
            CREATE TABLE models (
                goal TEXT NOT NULL,
                version TEXT NOT NULL,
                kind TEXT NOT NULL,
                artifact_path TEXT NOT NULL,
                metrics_json TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                PRIMARY KEY (goal, version))
            """,
            """
            CREATE TABLE trigger_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL,
                goal TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                trigger_name TEXT NOT NULL,
                playbook TEXT NOT NULL,
                reason TEXT NOT NULL,
                data_json TEXT NOT NULL,
                created_ms INTEGER NOT NULL)
            """,
            "CREATE INDEX ix_trigger_log_goal ON trigger_log(goal, run_id)",
            """
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                action_id TEXT NOT NULL UNIQUE,
                run_id TEXT NOT NULL,
                goal TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                trigger_name TEXT NOT NULL,
                playbook TEXT NOT NULL,
                connector TEXT NOT NULL,
                action TEXT NOT NULL,
                payload_json TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_ms INTEGER NOT NULL,
                last_error TEXT,
                created_ms INTEGER NOT NULL,
                delivered_ms INTEGER)
            """,
            "CREATE INDEX ix_outbox_due ON outbox(status, next_attempt_ms)",
            """
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at_ms INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                detail TEXT NOT NULL)
            """,
        ],
        [
            // Leases replace the file lock: any number of dispatchers claim rows for a while; an expired lease is claimable again.
            "ALTER TABLE outbox ADD COLUMN lease_owner TEXT",
            "ALTER TABLE outbox ADD COLUMN lease_until_ms INTEGER",
            "ALTER TABLE outbox ADD COLUMN first_attempt_ms INTEGER",
            "CREATE INDEX ix_outbox_connector ON outbox(connector, status)",
            """
            CREATE TABLE paused_connectors (
                connector TEXT PRIMARY KEY,
                reason TEXT NOT NULL,
                paused_by TEXT NOT NULL,
                paused_ms INTEGER NOT NULL)
            """,
            // Who made each change; rows written before version 2 keep an empty name.
            "ALTER TABLE score_runs ADD COLUMN created_by TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE models ADD COLUMN registered_by TEXT NOT NULL DEFAULT ''",
            """
            CREATE TABLE current_models (
                goal TEXT PRIMARY KEY,
                version TEXT NOT NULL,
                set_by TEXT NOT NULL,
                set_ms INTEGER NOT NULL)
            """,
            // Before version 2 the latest registered model was the one used: make it current.
            """
            INSERT INTO current_models (goal, version, set_by, set_ms)
            SELECT goal, version, 'system:migration', created_ms FROM (
                SELECT goal, version, created_ms, ROW_NUMBER() OVER (PARTITION BY goal ORDER BY created_ms DESC, version DESC) AS rn FROM models)
            WHERE rn = 1
            """,
        ],
        [
            // The audit trail becomes a hash chain (AuditHash); rows written before version 3 are chained when the store opens.
            "ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT ''",
        ],
        [
            // Versions that failed the promotion guardrail wait here for a second person.
            """
            CREATE TABLE pending_promotions (
                goal TEXT NOT NULL,
                version TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                reason TEXT NOT NULL,
                requested_ms INTEGER NOT NULL,
                PRIMARY KEY (goal, version))
            """,
        ],
        [
            // Overrides of entities' tiers (tier NULL: suppressed), set in batches that may wait for a second person, and feedback.
            """
            CREATE TABLE override_batches (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                goal TEXT NOT NULL,
                tier TEXT,
                reason TEXT NOT NULL,
                expires_ms INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                status TEXT NOT NULL,
                approved_by TEXT,
                approval_reason TEXT)
            """,
            """
            CREATE TABLE override_entities (
                batch INTEGER NOT NULL REFERENCES override_batches (id),
                entity_id TEXT NOT NULL,
                PRIMARY KEY (batch, entity_id))
            """,
            "CREATE INDEX override_batches_goal ON override_batches (goal, status)",
            """
            CREATE TABLE feedback (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                goal TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                reason TEXT NOT NULL,
                cool_down_until_ms INTEGER,
                created_by TEXT NOT NULL,
                created_ms INTEGER NOT NULL)
            """,
            "CREATE INDEX feedback_goal ON feedback (goal, id)",
        ],
    ];

    public static int LatestVersion => s_steps.Length;

    /// <summary>Upgrades to the latest version; returns the version the file had before.</summary>
    public static int Apply(SqliteConnection connection) => Apply(connection, s_steps.Length);

    /// <summary>Upgrades to <paramref name="upTo"/> (tests replay an old schema with it).</summary>
    internal static int Apply(SqliteConnection connection, int upTo)
    {
        using var tx = connection.BeginTransaction();
        var version = Convert.ToInt32(Scalar(connection, tx, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > s_steps.Length)
            throw new InvalidOperationException($"state.db has schema version {version}, newer than this pql understands ({s_steps.Length}); upgrade pql");
        for (var v = version; v < upTo; v++)
        {
            foreach (var sql in s_steps[v])
                Execute(connection, tx, sql);
            Execute(connection, tx, $"PRAGMA user_version = {v + 1}");
        }
        tx.Commit();
        return version;
    }

    private static object? Scalar(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Execute(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
