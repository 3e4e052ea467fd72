using System.Diagnostics;
using System.Text.Json;

namespace Pql.Server.Live;

/// <summary>
/// Stores posted rows: validates each, skips event_ids stored before, appends the rest durably to the ingest segments, and only then
/// queues the touched entities for rescoring. A bad row never rejects its batch.
/// </summary>
public sealed class IngestService(WorkspaceEngine engine, ServerMetrics metrics)
{
    public IngestResult IngestEvents(ReadOnlyMemory<byte> body)
    {
        var rows = IngestBatch.Rows(body);
        var rejected = new List<RejectedRow>();
        var lines = new List<string>(rows.Count);
        var touches = new List<(string Account, string? User)>(rows.Count);
        var claimed = new List<string>();
        var duplicates = 0;
        foreach (var (index, row, problem) in rows)
        {
            if (row is not { } r)
            {
                rejected.Add(new RejectedRow(index, "(row)", problem ?? "is not JSON"));
                continue;
            }
            if (IngestBatch.CheckEvent(r, engine, out var bad, index) is not { } account)
            {
                rejected.Add(bad!);
                continue;
            }
            if (IngestBatch.Text(r, "event_id") is { Length: > 0 } id)
            {
                if (!engine.ClaimEventId(id))
                {
                    duplicates++;
                    continue;
                }
                claimed.Add(id);
            }
            lines.Add(r.GetRawText().ReplaceLineEndings(" "));
            touches.Add((account, IngestBatch.Text(r, "user_id")));
        }
        try
        {
            engine.AppendEvents(lines);
        }
        catch
        {
            engine.ReleaseEventIds(claimed); // not stored: a retry of the same ids must be accepted
            throw;
        }
        var now = Stopwatch.GetTimestamp();
        foreach (var (account, user) in touches)
            engine.Touched.Writer.TryWrite(new Touch(account, user, now));
        metrics.EventsAccepted.Inc(lines.Count);
        metrics.EventsRejected.Inc(rejected.Count);
        metrics.EventsDuplicate.Inc(duplicates);
        return new IngestResult(rows.Count, lines.Count, duplicates, rejected);
    }

    /// <summary>Upserts accounts or users: one durable segment per batch; the latest posted row of an entity wins at the next load.</summary>
    public IngestResult IngestEntities(ReadOnlyMemory<byte> body, string table)
    {
        var rows = IngestBatch.Rows(body);
        var rejected = new List<RejectedRow>();
        var accepted = new Dictionary<string, (string Line, string? Account)>(StringComparer.Ordinal);
        var batchAccounts = new HashSet<string>(StringComparer.Ordinal);
        var idField = table == "accounts" ? "account_id" : "user_id";
        foreach (var (index, row, problem) in rows)
        {
            if (row is not { } r)
            {
                rejected.Add(new RejectedRow(index, "(row)", problem ?? "is not JSON"));
                continue;
            }
            if (!IngestBatch.CheckEntity(r, table, engine, batchAccounts, index, out var bad))
            {
                rejected.Add(bad!);
                continue;
            }
            var id = IngestBatch.Text(r, idField)!.Trim();
            if (table == "accounts")
                batchAccounts.Add(id);
            accepted[id] = (r.GetRawText().ReplaceLineEndings(" "), IngestBatch.Text(r, "account_id")?.Trim()); // last row of an id in a batch wins
        }
        engine.Segments.WriteEntities(table, [.. accepted.Values.Select(v => v.Line)]);
        engine.RequestFullLoad(); // entities change outside the events: the next rescoring pass reads the workspace
        if (table == "accounts")
            engine.AddAccounts(accepted.Keys);
        else
            foreach (var (id, (_, account)) in accepted)
                engine.AddUser(id, account!);
        return new IngestResult(rows.Count, accepted.Count, rows.Count - rejected.Count - accepted.Count, rejected);
    }

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
