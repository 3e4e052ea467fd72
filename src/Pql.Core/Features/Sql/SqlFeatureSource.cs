namespace Pql.Core.Features.Sql;

/// <summary>Where the events live and how to run one feature query there (DuckDB over files, PostgreSQL, ClickHouse).</summary>
internal interface ISqlFeatureSource : IDisposable
{
    SqlDialect Dialect { get; }

    /// <summary>The table <see cref="LoadRows"/> fills (entity_id, cutoff_ms).</summary>
    string RowsTable => FeatureSqlBuilder.RowsTable;

    /// <summary>The distinct event names present (kind filters resolve against them).</summary>
    IReadOnlyList<string> EventNames();

    /// <summary>
    /// The column of <see cref="EventsRelation"/> holding the event property <paramref name="key"/> (null where an event lacks it), or
    /// null when this source cannot give the property at all.
    /// </summary>
    string? PropertyColumn(string key);

    /// <summary>The events as a relation: entity_id, user_id, event, product, t (Unix ms), and the column of <paramref name="propertyKey"/> when given.</summary>
    string EventsRelation(Workspace.EntityKind entity, string? propertyKey);

    /// <summary>
    /// <see cref="EventsRelation"/> condensed (<see cref="CondensedEvents"/>) for the feature queries of a dialect that reads them so;
    /// <paramref name="splits"/> are <see cref="CondensedEvents.Splits"/> of the cutoffs.
    /// </summary>
    string CondensedRelation(Workspace.EntityKind entity, string? propertyKey, long[] splits) =>
        CondensedEvents.Over(EventsRelation(entity, propertyKey), splits);

    /// <summary>
    /// The rows table as the parts the measures query runs over one at a time (FROM items with entity_id and cutoff_ms), for
    /// <paramref name="rows"/> rows and <paramref name="measures"/> measures: the whole table unless the engine must bound its memory.
    /// </summary>
    IReadOnlyList<string> RowsParts(int rows, int measures) => [RowsTable];

    /// <summary>Stores the (entity, cutoff) rows as table <see cref="RowsTable"/>, replacing earlier ones.</summary>
    void LoadRows(IReadOnlyList<string> entityIds, ReadOnlySpan<long> cutoffs);

    /// <summary>
    /// Runs the query; each result row is entity_id, cutoff_ms, then (when <paramref name="keyed"/>) a text key that may be null, then
    /// <paramref name="measures"/> integers (null = <see cref="FeatureFormulas.None"/>).
    /// </summary>
    IEnumerable<SqlResultRow> Read(string sql, int measures, bool keyed = false);
}

/// <summary>One result row of a feature query.</summary>
internal readonly record struct SqlResultRow(string Entity, long Cutoff, string? Key, long[] Values);
