namespace Pql.Core.Features.Sql;

/// <summary>Where the events live and how to run one feature query there (DuckDB over files, PostgreSQL, ClickHouse).</summary>
internal interface ISqlFeatureSource : IDisposable
{
    SqlDialect Dialect { get; }

    /// <summary>The table <see cref="LoadRows"/> fills (entity_id, cutoff_ms).</summary>
    string RowsTable => FeatureSqlBuilder.RowsTable;

    /// <summary>The distinct event names present (kind filters resolve against them).</summary>
    IReadOnlyList<string> EventNames();

    /// <summary>The events as a relation: entity_id, user_id, event, product, t (Unix ms).</summary>
    string EventsRelation(Workspace.EntityKind entity);

    /// <summary>Stores the (entity, cutoff) rows as table <see cref="RowsTable"/>, replacing earlier ones.</summary>
    void LoadRows(IReadOnlyList<string> entityIds, ReadOnlySpan<long> cutoffs);

    /// <summary>Runs the query; each result row is entity_id, cutoff_ms, then <paramref name="measures"/> integers (null = <see cref="FeatureFormulas.None"/>).</summary>
    IEnumerable<(string Entity, long Cutoff, long[] Values)> Read(string sql, int measures);
}
