using System.Globalization;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Loads the <c>metrics</c> tables (entity, date, metric, value: usage already rolled up per day) into the builder, after the
/// accounts, users and events so every entity a row may name is known. A row is keyed by <c>user_id</c> when it has one, else
/// by <c>account_id</c>; its date is floored to the UTC day. Bad rows are rejected with file, line and field like any table's;
/// a repeated (entity, date, metric) keeps the first row and is counted as a duplicate, and reported with both values and
/// where the kept row is when the value differs (never summed or overwritten silently).
/// </summary>
internal sealed class MetricFileLoader(EventStoreBuilder builder, LoadReport report, RejectLog rejects)
{
    private const int SlotAccount = 0, SlotUser = 1, SlotDate = 2, SlotMetric = 3, SlotValue = 4;
    private const int MaxSamples = 20;
    private readonly Dictionary<(int Entity, int Day, int Metric), (double Value, int File, long Line)> _kept = [];
    private readonly List<string> _files = [];

    public CancellationToken Cancellation { get; init; }

    public void Load(TableSource source)
    {
        foreach (var path in source.Paths)
            DataFile.Read(path, () => LoadFile(source, path));
    }

    private void LoadFile(TableSource source, string path)
    {
        var stats = new FileLoadStats(path, "metrics");
        report.Files.Add(stats);
        _files.Add(path);
        var fileIndex = _files.Count - 1;
        string[] columns = [source.Column("account_id"), source.Column("user_id"), source.Column("date"), source.Column("metric"), source.Column("value")];
        using var reader = RowReaders.Open(path, source, columns, Cancellation, out _, out var filters);
        RowReaders.Require(reader, path, [(SlotDate, columns[SlotDate]), (SlotMetric, columns[SlotMetric]), (SlotValue, columns[SlotValue])]);
        if (reader.Header is { } header && !reader.HasColumn(SlotAccount) && !reader.HasColumn(SlotUser))
            throw new DataLoadException(path, $"metrics need '{columns[SlotUser]}' or '{columns[SlotAccount]}' (columns: {string.Join(", ", header)})");
        while (reader.Read())
        {
            if (++stats.Read % RowReaders.CancelCheckRows == 0)
                Cancellation.ThrowIfCancellationRequested();
            if (reader.RowError is { } rowError)
            {
                rejects.Add(stats, reader.Line, reader.RowErrorField, rowError, default);
                continue;
            }
            if (!filters.Keeps(reader))
            {
                stats.Filtered++;
                continue;
            }
            if (!TryEntity(reader, stats, columns, out var account, out var user, out var entityId))
                continue;
            if (!TimestampParser.TryParse(reader.Get(SlotDate), source.TimestampFormat, out var time))
            {
                rejects.Add(stats, reader.Line, columns[SlotDate], TimestampParser.Expectation(source.TimestampFormat), reader.Get(SlotDate));
                continue;
            }
            var metric = reader.Get(SlotMetric).Trim();
            if (metric.IsEmpty)
            {
                rejects.Add(stats, reader.Line, columns[SlotMetric], "is empty", metric);
                continue;
            }
            var text = reader.Get(SlotValue).Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                rejects.Add(stats, reader.Line, columns[SlotValue], "is not a number", text);
                continue;
            }
            var day = (int)(time >= 0 ? time / Duration.MsPerDay : (time - Duration.MsPerDay + 1) / Duration.MsPerDay);
            var name = builder.MetricNames.GetOrAdd(metric);
            var key = (user >= 0 ? user : -1 - account, day, name);
            if (_kept.TryGetValue(key, out var kept))
            {
                stats.Duplicates++;
                if (BitConverter.DoubleToInt64Bits(kept.Value) != BitConverter.DoubleToInt64Bits(value))
                    Conflict(path, reader.Line, entityId, metric, day, value, kept);
                continue;
            }
            _kept[key] = (value, fileIndex, reader.Line);
            builder.AddMetric(account, user, day, name, value);
            stats.Loaded++;
        }
    }

    /// <summary>The row's user (when it names one) and account; rejects a row naming neither, or an entity the load does not know.</summary>
    private bool TryEntity(RowReader reader, FileLoadStats stats, string[] columns, out int account, out int user, out string entityId)
    {
        account = -1;
        user = -1;
        var userId = reader.Get(SlotUser).Trim();
        entityId = userId.ToString();
        if (!userId.IsEmpty)
        {
            user = builder.FindUser(userId);
            if (user < 0)
            {
                rejects.Add(stats, reader.Line, columns[SlotUser], "is not a known user", userId);
                return false;
            }
            account = builder.UserAccount(user);
            return true;
        }
        var accountId = reader.Get(SlotAccount).Trim();
        entityId = accountId.ToString();
        if (accountId.IsEmpty)
        {
            rejects.Add(stats, reader.Line, columns[SlotAccount], $"is empty (a metric row needs {columns[SlotUser]} or {columns[SlotAccount]})", accountId);
            return false;
        }
        account = builder.FindAccount(accountId);
        if (account < 0)
        {
            rejects.Add(stats, reader.Line, columns[SlotAccount], "is not a known account", accountId);
            return false;
        }
        return true;
    }

    private void Conflict(string path, long line, string entityId, ReadOnlySpan<char> metric, int day, double value, (double Value, int File, long Line) kept)
    {
        report.ConflictingDuplicates++;
        if (report.ConflictSamples.Count >= MaxSamples)
            return;
        var where = $"{Path.GetFileName(_files[kept.File])}:{kept.Line}";
        var date = DateOnly.FromDayNumber(day + 719162).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        report.ConflictSamples.Add(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(path)}:{line} metric '{metric}' of '{entityId}' on {date} repeats {where} with a different value ({value} here, {kept.Value} kept); the row at {where} is kept"));
    }
}
