using System.Globalization;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Labels;

/// <summary>
/// Labels of a <c>label_column</c> goal, read from the snapshot table's outcome column: one row per entity whose
/// outcome is filled in, labelled 1 when it equals the declared positive value (numbers compare as numbers,
/// text ignoring case), with the row's date when the goal names a date column.
/// </summary>
public sealed record SnapshotLabels(int[] Entities, byte[] Labels, long[]? Dates, int MissingOutcome)
{
    public static SnapshotLabels Read(EventStore store, GoalDefinition goal)
    {
        var condition = goal.Condition as LabelColumnCondition
            ?? throw new ArgumentException($"goal '{goal.Name}' is not a label_column goal", nameof(goal));
        var table = goal.Entity == EntityKind.Account ? "accounts" : "users";
        var columns = goal.Entity == EntityKind.Account ? store.AccountAttributes : store.UserAttributes;
        var outcome = Column(goal, columns, condition.Column, table, "label_column");
        var dates = condition.DateColumn is { } dateName ? Column(goal, columns, dateName, table, "date_column") : null;
        if (dates is { Kind: not AttributeKind.Timestamp })
            throw new PqlInputException($"goal '{goal.Name}': date_column '{dates.Name}' must hold ISO 8601 dates (it was read as {dates.Kind.ToString().ToLowerInvariant()})");

        var count = goal.Entity == EntityKind.Account ? store.AccountCount : store.UserCount;
        var positive = Matcher(goal, outcome, condition.Positive);
        var entities = new List<int>(count);
        var labels = new List<byte>(count);
        var rowDates = dates is null ? null : new List<long>(count);
        var missing = 0;
        for (var e = 0; e < count; e++)
        {
            var known = outcome.Kind == AttributeKind.Numeric ? !double.IsNaN(outcome.Numbers[e]) : outcome.Codes[e] >= 0;
            if (!known || (dates is not null && dates.Times[e] == AttributeColumn.MissingTime))
            {
                missing++;
                continue;
            }
            entities.Add(e);
            labels.Add(positive(e) ? (byte)1 : (byte)0);
            rowDates?.Add(dates!.Times[e]);
        }
        return new SnapshotLabels([.. entities], [.. labels], rowDates?.ToArray(), missing);
    }

    public int Positives
    {
        get
        {
            var n = 0;
            foreach (var y in Labels)
                n += y;
            return n;
        }
    }

    private static AttributeColumn Column(GoalDefinition goal, IReadOnlyList<AttributeColumn> columns, string name, string table, string key) =>
        columns.FirstOrDefault(c => c.Name == name)
        ?? throw new PqlInputException($"goal '{goal.Name}': {key} '{name}' is not a column of the {table} table (columns: {string.Join(", ", columns.Select(c => c.Name))})");

    private static Func<int, bool> Matcher(GoalDefinition goal, AttributeColumn outcome, string positive)
    {
        switch (outcome.Kind)
        {
            case AttributeKind.Numeric:
                if (!double.TryParse(positive, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    throw new PqlInputException($"goal '{goal.Name}': label_column '{outcome.Name}' holds numbers, so positive '{positive}' can never match; use the number that means achieved (e.g. 1)");
                if (Array.IndexOf(outcome.Numbers, number) < 0)
                    throw new PqlInputException($"goal '{goal.Name}': no row of '{outcome.Name}' equals positive {positive}");
                return e => outcome.Numbers[e] == number;
            case AttributeKind.Category:
                if (!outcome.Levels.Values.Any(l => string.Equals(l, positive, StringComparison.OrdinalIgnoreCase)))
                    throw new PqlInputException($"goal '{goal.Name}': no row of '{outcome.Name}' equals positive '{positive}'; its values: {string.Join(", ", outcome.Levels.Values.Take(10))}");
                var levels = outcome.Levels;
                return e => outcome.Codes[e] >= 0 && string.Equals(levels[outcome.Codes[e]], positive, StringComparison.OrdinalIgnoreCase);
            default:
                throw new PqlInputException($"goal '{goal.Name}': label_column '{outcome.Name}' holds timestamps; use an 'attribute' goal for a date of achievement");
        }
    }
}
