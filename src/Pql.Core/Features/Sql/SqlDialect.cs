using System.Globalization;
using System.Text;

namespace Pql.Core.Features.Sql;

/// <summary>
/// What differs between the engines features are pushed down to: conditional aggregates, integer division, literals. Everything
/// else in <see cref="FeatureSqlGenerator"/> is plain SQL all of them accept.
/// </summary>
internal abstract class SqlDialect
{
    public static SqlDialect DuckDb { get; } = new FilterClauseDialect("//");
    public static SqlDialect Postgres { get; } = new FilterClauseDialect("/");

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
        return sb.Length == 0 ? "FALSE" : $"{column} IN ({sb})";
    }

    public static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The SQL standard's <c>agg(x) FILTER (WHERE c)</c> (DuckDB, PostgreSQL).</summary>
    private sealed class FilterClauseDialect(string divide) : SqlDialect
    {
        public override string Aggregate(string aggregate, bool distinct, string expression, string condition) =>
            $"{aggregate}({(distinct ? "DISTINCT " : "")}{expression}) FILTER (WHERE {condition})";

        public override string Div(string a, long b) => $"(({a}) {divide} {Number(b)})";
    }
}
