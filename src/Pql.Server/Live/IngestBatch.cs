using System.Text;
using System.Text.Json;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Server.Live;

/// <summary>A row of a posted batch that was not stored: its 0-based index in the batch, the field at fault and why.</summary>
public sealed record RejectedRow(int Index, string Field, string Reason);

/// <summary>The answer to an ingest request: what was stored, skipped as a duplicate, or rejected (each with its reason).</summary>
public sealed record IngestResult(int Received, int Accepted, int Duplicates, IReadOnlyList<RejectedRow> Rejected);

/// <summary>
/// Splits a posted body into rows (a JSON array of objects, or NDJSON: one object per line) and checks each row as the file loader
/// does: the same timestamp parser and contract columns, the same reasons in the same words.
/// </summary>
public static class IngestBatch
{
    /// <summary>The rows of a body; a body that is neither a JSON array nor NDJSON gives one rejected row per bad line.</summary>
    public static List<(int Index, JsonElement? Row, string? Problem)> Rows(ReadOnlyMemory<byte> body)
    {
        var rows = new List<(int, JsonElement?, string?)>();
        var span = body.Span;
        var start = 0;
        while (start < span.Length && (span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' || (start == 0 && span.StartsWith("\uFEFF"u8))))
            start += start == 0 && span.StartsWith("\uFEFF"u8) ? 3 : 1;
        if (start < span.Length && span[start] == (byte)'[')
        {
            try
            {
                using var doc = JsonDocument.Parse(body[start..]);
                var i = 0;
                foreach (var element in doc.RootElement.EnumerateArray())
                    rows.Add((i++, element.Clone(), null));
            }
            catch (JsonException ex)
            {
                rows.Add((0, null, "the body is not a valid JSON array: " + ex.Message));
            }
            return rows;
        }
        var index = 0;
        foreach (var line in Encoding.UTF8.GetString(span[start..]).Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                rows.Add((index, doc.RootElement.Clone(), null));
            }
            catch (JsonException ex)
            {
                rows.Add((index, null, "is not valid JSON: " + ex.Message));
            }
            index++;
        }
        return rows;
    }

    /// <summary>Checks one event row; on success returns the account it belongs to (resolved through its user when absent).</summary>
    public static string? CheckEvent(JsonElement row, WorkspaceEngine engine, out RejectedRow? problem, int index)
    {
        ArgumentNullException.ThrowIfNull(engine);
        problem = null;
        if (row.ValueKind != JsonValueKind.Object)
            return Reject(out problem, index, "(row)", "is not a JSON object");
        var ts = Text(row, "timestamp");
        if (ts is null || !TimestampParser.TryParse(ts, TimestampFormat.Iso, out _))
            return Reject(out problem, index, "timestamp", TimestampParser.Expectation(TimestampFormat.Iso));
        if (string.IsNullOrWhiteSpace(Text(row, "event")))
            return Reject(out problem, index, "event", "is empty");
        if (row.TryGetProperty("properties", out var props) && props.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return Reject(out problem, index, "properties", "is not a JSON object");
        if (row.TryGetProperty("event_id", out var id) && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            return Reject(out problem, index, "event_id", "is not a string");
        var account = Text(row, "account_id")?.Trim();
        var user = Text(row, "user_id")?.Trim();
        if (!string.IsNullOrEmpty(account))
        {
            if (!engine.KnowsAccount(account))
                return Reject(out problem, index, "account_id", "is not a known account");
            return account;
        }
        if (string.IsNullOrEmpty(user) || engine.AccountOfUser(user) is not { } owner)
            return Reject(out problem, index, "user_id", "unknown user with no account_id (the event cannot be attributed)");
        return owner;
    }

    /// <summary>Checks an account or user row: an id, a creation time, and for users a known account.</summary>
    public static bool CheckEntity(JsonElement row, string table, WorkspaceEngine engine, IReadOnlySet<string> accountsInBatch, int index, out RejectedRow? problem)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(accountsInBatch);
        problem = null;
        var idField = table == "accounts" ? "account_id" : "user_id";
        if (row.ValueKind != JsonValueKind.Object)
            return Reject(out problem, index, "(row)", "is not a JSON object") is not null;
        if (string.IsNullOrWhiteSpace(Text(row, idField)))
            return Reject(out problem, index, idField, "is empty") is not null;
        var created = Text(row, "created_at");
        if (created is null || !TimestampParser.TryParse(created, TimestampFormat.Iso, out _))
            return Reject(out problem, index, "created_at", TimestampParser.Expectation(TimestampFormat.Iso)) is not null;
        if (table == "users")
        {
            var account = Text(row, "account_id")?.Trim();
            if (string.IsNullOrEmpty(account))
                return Reject(out problem, index, "account_id", "is empty") is not null;
            if (!engine.KnowsAccount(account) && !accountsInBatch.Contains(account))
                return Reject(out problem, index, "account_id", "is not in the accounts file") is not null;
        }
        return true;
    }

    public static string? Text(JsonElement row, string name) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    private static string? Reject(out RejectedRow? problem, int index, string field, string reason)
    {
        problem = new RejectedRow(index, field, reason);
        return null;
    }
}
