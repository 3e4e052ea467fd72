using Npgsql;

namespace Pql.Core.State;

/// <summary>
/// Schema versions of the PostgreSQL state schema, applied in order; table <c>schema_version</c> records the last one. Several
/// processes may open the same database at once: the upgrade runs under a transaction-scoped advisory lock, so one applies it
/// and the others see it done.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Each entry upgrades the schema by one version. Append only: never edit a shipped step.</summary>
    private static readonly string[][] s_steps =
    [
        [
            """
            CREATE TABLE score_runs (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id TEXT NOT NULL UNIQUE,
                goal TEXT NOT NULL,
                model_version TEXT NOT NULL,
                model_kind TEXT NOT NULL,
                as_of_ms BIGINT NOT NULL,
                created_ms BIGINT NOT NULL,
                row_count INTEGER NOT NULL,
                created_by TEXT NOT NULL)
            """,
            "CREATE INDEX ix_score_runs_goal ON score_runs(goal, seq)",
            """
            CREATE TABLE entity_scores (
                run_seq BIGINT NOT NULL REFERENCES score_runs(seq),
                entity_id TEXT NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                tier TEXT NOT NULL,
                drivers_json TEXT NOT NULL,
                attributes_json TEXT NOT NULL,
                PRIMARY KEY (run_seq, entity_id))
            """,
            "CREATE INDEX ix_entity_scores_entity ON entity_scores(entity_id, run_seq DESC)",
            """
            CREATE TABLE models (
                goal TEXT NOT NULL,
                version TEXT NOT NULL,
                kind TEXT NOT NULL,
                artifact_path TEXT NOT NULL,
                metrics_json TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                registered_by TEXT NOT NULL,
                PRIMARY KEY (goal, version))
            """,
            """
            CREATE TABLE current_models (
                goal TEXT PRIMARY KEY,
                version TEXT NOT NULL,
                set_by TEXT NOT NULL,
                set_ms BIGINT NOT NULL)
            """,
            """
            CREATE TABLE trigger_log (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id TEXT NOT NULL,
                goal TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                trigger_name TEXT NOT NULL,
                playbook TEXT NOT NULL,
                reason TEXT NOT NULL,
                data_json TEXT NOT NULL,
                created_ms BIGINT NOT NULL)
            """,
            "CREATE INDEX ix_trigger_log_goal ON trigger_log(goal, run_id)",
            """
            CREATE TABLE outbox (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
                next_attempt_ms BIGINT NOT NULL,
                last_error TEXT,
                created_ms BIGINT NOT NULL,
                delivered_ms BIGINT,
                first_attempt_ms BIGINT,
                lease_owner TEXT,
                lease_until_ms BIGINT)
            """,
            // Claims scan only pending rows in due order.
            "CREATE INDEX ix_outbox_due ON outbox(next_attempt_ms, seq) WHERE status = 'pending'",
            "CREATE INDEX ix_outbox_status ON outbox(status, seq)",
            """
            CREATE TABLE paused_connectors (
                connector TEXT PRIMARY KEY,
                reason TEXT NOT NULL,
                paused_by TEXT NOT NULL,
                paused_ms BIGINT NOT NULL)
            """,
            """
            CREATE TABLE audit (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at_ms BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                detail TEXT NOT NULL)
            """,
        ],
        [
            // The audit trail becomes a hash chain (AuditHash). Ids are issued from the one-row head under its row lock, not from
            // the identity sequence, so they have no gaps (a sequence skips numbers on rollback, which verify would call deletions).
            "ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE audit ALTER COLUMN id DROP IDENTITY",
            """
            CREATE TABLE audit_head (
                one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
                last_id BIGINT NOT NULL,
                last_hash TEXT NOT NULL)
            """,
            "INSERT INTO audit_head (one, last_id, last_hash) SELECT TRUE, coalesce(max(id), 0), '' FROM audit",
            """
            CREATE TABLE pending_promotions (
                goal TEXT NOT NULL,
                version TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                reason TEXT NOT NULL,
                requested_ms BIGINT NOT NULL,
                PRIMARY KEY (goal, version))
            """,
        ],
        [
            // Overrides of entities' tiers (tier NULL: suppressed), set in batches that may wait for a second person, and feedback.
            """
            CREATE TABLE override_batches (
                id BIGSERIAL PRIMARY KEY,
                goal TEXT NOT NULL,
                tier TEXT,
                reason TEXT NOT NULL,
                expires_ms BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                status TEXT NOT NULL,
                approved_by TEXT,
                approval_reason TEXT)
            """,
            """
            CREATE TABLE override_entities (
                batch BIGINT NOT NULL REFERENCES override_batches (id),
                entity_id TEXT NOT NULL,
                PRIMARY KEY (batch, entity_id))
            """,
            "CREATE INDEX override_batches_goal ON override_batches (goal, status)",
            """
            CREATE TABLE feedback (
                id BIGSERIAL PRIMARY KEY,
                goal TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                reason TEXT NOT NULL,
                cool_down_until_ms BIGINT,
                created_by TEXT NOT NULL,
                created_ms BIGINT NOT NULL)
            """,
            "CREATE INDEX feedback_goal ON feedback (goal, id)",
        ],
    ];

    public static int LatestVersion => s_steps.Length;

    /// <summary>Creates <paramref name="schema"/> when missing and upgrades it to the latest version.</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // One upgrader per schema at a time; the key is the schema's name so unrelated schemas do not wait on each other.
        await Execute(connection, tx, "SELECT pg_advisory_xact_lock(hashtext('pql.migrate'), hashtext(@s))", cancellationToken, ("s", schema)).ConfigureAwait(false);
        await Execute(connection, tx, $"CREATE SCHEMA IF NOT EXISTS {QuoteIdentifier(schema)}", cancellationToken).ConfigureAwait(false);
        await Execute(connection, tx, $"CREATE TABLE IF NOT EXISTS {QuoteIdentifier(schema)}.schema_version (version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
        await using (var cmd = new NpgsqlCommand($"SELECT max(version) FROM {QuoteIdentifier(schema)}.schema_version", connection, tx))
        {
            var v = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            var version = v is int i ? i : 0;
            if (version > s_steps.Length)
                throw new InvalidOperationException($"PostgreSQL state schema '{schema}' has version {version}, newer than this pql understands ({s_steps.Length}); upgrade pql");
            for (var step = version; step < s_steps.Length; step++)
            {
                foreach (var sql in s_steps[step])
                    await Execute(connection, tx, sql, cancellationToken).ConfigureAwait(false);
                await Execute(connection, tx, $"INSERT INTO {QuoteIdentifier(schema)}.schema_version (version) VALUES ({step + 1})", cancellationToken).ConfigureAwait(false);
            }
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A schema name as a quoted identifier; names are restricted to letters, digits and underscores before they get here.</summary>
    public static string QuoteIdentifier(string name) => "\"" + name + "\"";

    private static async Task Execute(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
