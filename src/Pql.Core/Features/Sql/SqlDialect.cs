using System.Globalization;
using System.Text;

namespace Pql.Core.Features.Sql;

/// <summary>
/// What differs between the engines features are pushed down to: conditional aggregates, integer division, literals. Everything
/// else in <see cref="FeatureSqlGenerator"/> is plain SQL all of them accept.
/// </summary>
internal abstract class SqlDialect
{
    public static SqlDialect DuckDb { get; } = new CaseWhenDialect();
    public static SqlDialect Postgres { get; } = new FilterClauseDialect("/");

    /// <summary>ClickHouse, the events table's <paramref name="keyColumn"/> (account_id or user_id) naming the entity.</summary>
    public static SqlDialect ClickHouse(string keyColumn) => new ClickHouseDialect(keyColumn);

    /// <summary>How an events column is named in the query (<c>e.t</c>, or bare in ClickHouse 18.16's joins).</summary>
    public virtual string E(string column) => "e." + column;

    /// <summary>How a rows column is named in the query.</summary>
    public virtual string R(string column) => "r." + column;

    /// <summary>Holds for an events row that matched (the left join's null side does not).</summary>
    public virtual string Present => "e.t IS NOT NULL";

    /// <summary>
    /// The select head and the FROM ... GROUP BY tail joining the rows (entity_id, cutoff_ms) to the events relation (entity_id, user_id,
    /// event, product, t) up to each cutoff. Rows without events may be left out: the builder gives them empty measures. With a
    /// <paramref name="key"/> expression the groups are (entity, cutoff, key), the key the third column, and rows without events are left out.
    /// </summary>
    public virtual (string Head, string Tail) Frame(string rows, string events, string? key = null) => key is null
        ? ("SELECT r.entity_id, r.cutoff_ms",
           $"FROM {rows} r\nLEFT JOIN (\n{events}\n) e ON e.entity_id = r.entity_id AND e.t <= r.cutoff_ms\nGROUP BY r.entity_id, r.cutoff_ms")
        : ($"SELECT r.entity_id, r.cutoff_ms, {key} AS grp",
           $"FROM {rows} r\nJOIN (\n{events}\n) e ON e.entity_id = r.entity_id AND e.t <= r.cutoff_ms\nGROUP BY r.entity_id, r.cutoff_ms, grp");

    /// <summary>The events relation <see cref="ISqlFeatureSource.EventsRelation"/> gives as a FROM item whose columns <see cref="E"/> names.</summary>
    public virtual string Relation(string events) => $"(\n{events}\n) e";

    /// <summary>
    /// The feature queries read the events condensed (<see cref="CondensedEvents"/>: columns n, t0 and t per group of alike events)
    /// rather than one row per event.
    /// </summary>
    public virtual bool Condensed => false;

    /// <summary>Bitwise or of a BIGINT expression over the group.</summary>
    public virtual string BitOr(string expression) => $"bit_or(CAST({expression} AS BIGINT))";

    /// <summary>The identity an event adds to a distinct-values count: its property value when it has one, else its name (kept apart by a prefix).</summary>
    public virtual string Identity(string property, string eventName) =>
        $"CASE WHEN {property} IS NULL THEN 'e:' || {eventName} ELSE 'v:' || {property} END";

    /// <summary><paramref name="aggregate"/> (count, min, max, count(DISTINCT)) of <paramref name="expression"/> over rows where <paramref name="condition"/> holds.</summary>
    public abstract string Aggregate(string aggregate, bool distinct, string expression, string condition);

    /// <summary>Integer division of non-negative integers.</summary>
    public abstract string Div(string a, long b);

    public virtual string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public string InList(string column, IEnumerable<string> values)
    {
        var sb = new StringBuilder();
        foreach (var v in values)
            sb.Append(sb.Length == 0 ? "" : ", ").Append(Literal(v));
        return sb.Length == 0 ? "1 = 0" : $"{column} IN ({sb})";
    }

    public static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The SQL standard's <c>agg(x) FILTER (WHERE c)</c> (PostgreSQL).</summary>
    private sealed class FilterClauseDialect(string divide) : SqlDialect
    {
        public override string Aggregate(string aggregate, bool distinct, string expression, string condition) =>
            $"{aggregate}({(distinct ? "DISTINCT " : "")}{expression}) FILTER (WHERE {condition})";

        public override string Div(string a, long b) => $"(({a}) {divide} {Number(b)})";
    }

    /// <summary>
    /// DuckDB: <c>agg(CASE WHEN c THEN x END)</c> rather than <c>FILTER (WHERE c)</c>, the same value (the aggregates skip NULL, and a
    /// NULL condition selects no row either way). Measured on the 1M-event scale world: the measures query's 223 aggregates took 32 s
    /// with FILTER and 5 s as CASE (the 185 plain ones alone 53 s and 4 s); DuckDB 1.5 handles each filtered aggregate of a grouped
    /// aggregate apart, at a cost that grows with the number of aggregates, while a CASE is one more projected column.
    /// </summary>
    private sealed class CaseWhenDialect : SqlDialect
    {
        public override bool Condensed => true;

        public override string Aggregate(string aggregate, bool distinct, string expression, string condition) =>
            $"{aggregate}({(distinct ? "DISTINCT " : "")}CASE WHEN {condition} THEN {expression} END)";

        public override string Div(string a, long b) => $"(({a}) // {Number(b)})";
    }

    /// <summary>
    /// ClickHouse 18.16: <c>-If</c> combinators for conditional aggregates, and the events table (local or Distributed) on the left of a
    /// <c>GLOBAL ALL INNER JOIN ... USING entity_id</c> with the rows, so each shard aggregates its own events (the rows table is
    /// shipped to the shards) and only partial aggregates travel. 18.16 resolves joined columns by bare name.
    /// </summary>
    private sealed class ClickHouseDialect(string keyColumn) : SqlDialect
    {
        public override string E(string column) => column;

        public override string R(string column) => column;

        public override string Present => "1";

        public override (string Head, string Tail) Frame(string rows, string events, string? key = null) =>
            ($"SELECT {keyColumn} AS entity_id, cutoff_ms{(key is null ? "" : $", {key} AS grp")}",
             $"FROM {events} GLOBAL ALL INNER JOIN {rows} USING entity_id\nWHERE t <= cutoff_ms\nGROUP BY entity_id, cutoff_ms{(key is null ? "" : ", grp")}");

        public override string Relation(string events) => events;

        public override string BitOr(string expression) => $"groupBitOr(toUInt64({expression}))";

        public override string Identity(string property, string eventName) =>
            $"if(isNull({property}), concat('e:', {eventName}), concat('v:', assumeNotNull({property})))";

        /// <summary>A condition on a Nullable column is NULL where the column is; <c>-If</c> then answers NULL for a group of only those.</summary>
        public override string Aggregate(string aggregate, bool distinct, string expression, string condition) => (aggregate, distinct) switch
        {
            ("count", false) => $"countIf(ifNull({condition}, 0))",
            ("count", true) => $"uniqExactIf({expression}, ifNull({condition}, 0))",
            _ => $"{aggregate}If({expression}, ifNull({condition}, 0))",
        };

        public override string Div(string a, long b) => $"intDiv({a}, {Number(b)})";

        public override string Literal(string text) =>
            "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }
}
