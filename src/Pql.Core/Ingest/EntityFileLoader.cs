using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>Loads the accounts and users files (CSV or NDJSON) into the builder, rejecting bad rows.</summary>
internal sealed class EntityFileLoader(EventStoreBuilder builder, LoadReport report, RejectLog rejects)
{
    private readonly DuplicateRows _accountRows = new(report);
    private readonly DuplicateRows _userRows = new(report);
    public CancellationToken Cancellation { get; init; }

    public void LoadAccounts(TableSource source)
    {
        foreach (var path in source.Paths)
            DataFile.Read(path, () => LoadAccountFile(source, path));
    }

    private void LoadAccountFile(TableSource source, string path)
    {
        var stats = new FileLoadStats(path, "accounts");
        report.Files.Add(stats);
        var idCol = source.Column("account_id");
        var createdCol = source.Column("created_at");
        using var reader = RowReaders.Open(path, source, [idCol, createdCol], Cancellation, out var attributes, out var filters);
        RowReaders.Require(reader, path, Required(source, (0, idCol), (1, createdCol)));
        while (reader.Read())
        {
            if (!TryRead(reader, filters, stats, source, idCol, createdCol, createdSlot: 1, out var id, out var created))
                continue;
            var values = RowReaders.Attributes(reader, attributes, 2);
            if (builder.FindAccount(id) is var existing and >= 0)
            {
                stats.Duplicates++;
                _accountRows.Repeated("account", existing, id, path, reader.Line,
                    Difference(created, builder.AccountCreatedAt(existing), createdCol, values, name => builder.AccountAttributeText(existing, name)));
                continue;
            }
            _accountRows.Kept(builder.AddAccount(id.ToString(), created, values), path, reader.Line);
            stats.Loaded++;
        }
    }

    public void LoadUsers(TableSource source, bool accountsFromUsers)
    {
        foreach (var path in source.Paths)
            DataFile.Read(path, () => LoadUserFile(source, path, accountsFromUsers));
    }

    private void LoadUserFile(TableSource source, string path, bool accountsFromUsers)
    {
        var stats = new FileLoadStats(path, "users");
        report.Files.Add(stats);
        var idCol = source.Column("user_id");
        var accountCol = source.Column("account_id");
        var createdCol = source.Column("created_at");
        using var reader = RowReaders.Open(path, source, [idCol, accountCol, createdCol], Cancellation, out var attributes, out var filters);
        // With accounts made from users, a users table without an account column makes each user its own account.
        var ownAccount = accountsFromUsers && !reader.HasColumn(1);
        RowReaders.Require(reader, path, [.. ownAccount ? [] : new[] { (1, accountCol) }, .. Required(source, (0, idCol), (2, createdCol))]);
        while (reader.Read())
        {
            if (!TryRead(reader, filters, stats, source, idCol, createdCol, createdSlot: 2, out var id, out var created))
                continue;
            var accountId = ownAccount ? id : reader.Get(1).Trim();
            if (accountId.IsEmpty)
            {
                rejects.Add(stats, reader.Line, accountCol, "is empty", accountId);
                continue;
            }
            var account = builder.FindAccount(accountId);
            if (account < 0)
            {
                if (!accountsFromUsers)
                {
                    rejects.Add(stats, reader.Line, accountCol, "is not in the accounts file", accountId);
                    continue;
                }
                account = builder.AddAccount(accountId.ToString(), created);
            }
            else if (accountsFromUsers)
            {
                builder.LowerAccountCreated(account, created);
            }
            var values = RowReaders.Attributes(reader, attributes, 3);
            if (builder.FindUser(id) is var existing and >= 0)
            {
                stats.Duplicates++;
                var keptAccount = builder.UserAccount(existing);
                var difference = keptAccount != account
                    ? (accountCol, builder.AccountIds[keptAccount], accountId.ToString())
                    : Difference(created, builder.UserCreatedAt(existing), createdCol, values, name => builder.UserAttributeText(existing, name));
                _userRows.Repeated("user", existing, id, path, reader.Line, difference);
                continue;
            }
            _userRows.Kept(builder.AddUser(id.ToString(), account, created, values), path, reader.Line);
            stats.Loaded++;
        }
    }

    /// <summary>The id and creation columns a table must have, unless it takes ids from line numbers or declares created_at.</summary>
    private static (int, string)[] Required(TableSource source, (int, string) id, (int, string) created) =>
        [.. source.IdFromLine ? [] : new[] { id }, .. source.CreatedAt is null ? new[] { created } : []];

    /// <summary>The first field where a repeated row differs from the kept one, or null when it repeats it exactly.</summary>
    private static (string Field, string Kept, string Now)? Difference(long created, long keptCreated, string createdCol,
        List<KeyValuePair<string, string>> values, Func<string, string?> kept)
    {
        if (created != keptCreated)
            return (createdCol, Timestamps.Format(keptCreated), Timestamps.Format(created));
        foreach (var (name, value) in values)
        {
            var keptValue = kept(name) ?? "";
            if (!string.Equals(keptValue, value, StringComparison.Ordinal))
                return (name, keptValue, value);
        }
        return null;
    }

    /// <summary>The id of a row of a table without ids: its line number, with the file name when the table has several files.</summary>
    private static string LineId(TableSource source, string path, long line) =>
        source.Paths.Count == 1
            ? line.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}:{line}");

    /// <summary>Counts the row and checks what every entity row needs (fields, a non-empty id in slot 0, a creation time); rejects it otherwise.</summary>
    private bool TryRead(RowReader reader, RowFilters filters, FileLoadStats stats, TableSource source, string idCol, string createdCol, int createdSlot,
        out ReadOnlySpan<char> id, out long created)
    {
        if (++stats.Read % RowReaders.CancelCheckRows == 0)
            Cancellation.ThrowIfCancellationRequested();
        id = source.IdFromLine ? LineId(source, path: stats.File, reader.Line) : reader.Get(0).Trim();
        created = 0;
        if (reader.RowError is { } rowError)
        {
            rejects.Add(stats, reader.Line, reader.RowErrorField, rowError, default);
            return false;
        }
        if (!filters.Keeps(reader))
        {
            stats.Filtered++;
            return false;
        }
        if (id.IsEmpty)
        {
            rejects.Add(stats, reader.Line, idCol, "is empty", id);
            return false;
        }
        if (source.CreatedAt is { } rule)
        {
            created = rule.ConstantMs ?? EventStoreBuilder.CreatedAtFirstEvent;
            return true;
        }
        if (!TimestampParser.TryParse(reader.Get(createdSlot), source.TimestampFormat, out created))
        {
            rejects.Add(stats, reader.Line, createdCol, TimestampParser.Expectation(source.TimestampFormat), reader.Get(createdSlot));
            return false;
        }
        return true;
    }
}
