using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>Loads the accounts and users files (CSV or NDJSON) into the builder, rejecting bad rows.</summary>
internal sealed class EntityFileLoader(EventStoreBuilder builder, LoadReport report, RejectLog rejects)
{
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
        using var reader = RowReaders.Open(path, source, [idCol, createdCol], Cancellation, out var attributes);
        RowReaders.Require(reader, path, [(0, idCol), (1, createdCol)]);
        while (reader.Read())
        {
            if (!TryRead(reader, stats, source, idCol, createdCol, createdSlot: 1, out var id, out var created))
                continue;
            if (builder.FindAccount(id) >= 0)
            {
                stats.Duplicates++;
                continue;
            }
            builder.AddAccount(id.ToString(), created, RowReaders.Attributes(reader, attributes, 2));
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
        using var reader = RowReaders.Open(path, source, [idCol, accountCol, createdCol], Cancellation, out var attributes);
        RowReaders.Require(reader, path, [(0, idCol), (1, accountCol), (2, createdCol)]);
        while (reader.Read())
        {
            if (!TryRead(reader, stats, source, idCol, createdCol, createdSlot: 2, out var id, out var created))
                continue;
            var accountId = reader.Get(1).Trim();
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
            if (builder.FindUser(id) >= 0)
            {
                stats.Duplicates++;
                continue;
            }
            builder.AddUser(id.ToString(), account, created, RowReaders.Attributes(reader, attributes, 3));
            stats.Loaded++;
        }
    }

    /// <summary>Counts the row and checks what every entity row needs (fields, a non-empty id in slot 0, a creation time); rejects it otherwise.</summary>
    private bool TryRead(RowReader reader, FileLoadStats stats, TableSource source, string idCol, string createdCol, int createdSlot,
        out ReadOnlySpan<char> id, out long created)
    {
        if (++stats.Read % RowReaders.CancelCheckRows == 0)
            Cancellation.ThrowIfCancellationRequested();
        id = reader.Get(0).Trim();
        created = 0;
        if (reader.RowError is { } rowError)
        {
            rejects.Add(stats, reader.Line, "(row)", rowError, default);
            return false;
        }
        if (id.IsEmpty)
        {
            rejects.Add(stats, reader.Line, idCol, "is empty", id);
            return false;
        }
        if (!TimestampParser.TryParse(reader.Get(createdSlot), source.TimestampFormat, out created))
        {
            rejects.Add(stats, reader.Line, createdCol, TimestampParser.Expectation(source.TimestampFormat), reader.Get(createdSlot));
            return false;
        }
        return true;
    }
}
