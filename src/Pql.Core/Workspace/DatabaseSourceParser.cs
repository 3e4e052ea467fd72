using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>
/// The database form of a table declaration: <c>postgres: schema.table</c> (a table or view) or <c>query: SELECT ...</c>, each with
/// <c>connection_env: VAR</c>. Every row option of a file table applies (columns, timestamp_format, event, product, properties, attributes,
/// account_via, where, created_at); the options that describe file bytes (path, format, encoding, delimiter) and <c>from</c> are refused
/// by name, as is <c>id: line</c> on a table, whose rows have no order to number.
/// </summary>
internal static partial class DatabaseSourceParser
{
    public static readonly string[] Keys = ["postgres", "query", "connection_env"];

    /// <summary>The database source declared in <paramref name="map"/>, or null when the table is read from files.</summary>
    public static DatabaseSource? Parse(YamlConfigReader r, YamlMappingNode map, string path)
    {
        var relation = r.Scalar(map, "postgres", $"{path}.postgres");
        var query = r.Scalar(map, "query", $"{path}.query");
        if (relation is null && query is null)
        {
            if (YamlConfigReader.Child(map, "connection_env") is { } stray)
                throw r.Error(stray, $"{path}.connection_env", "only a table read from PostgreSQL (postgres: or query:) has a connection string");
            return null;
        }
        var at = YamlConfigReader.Child(map, relation is null ? "query" : "postgres")!;
        if (relation is not null && query is not null)
            throw r.Error(YamlConfigReader.Child(map, "query")!, $"{path}.query", "give either postgres (a table or view) or query, not both");
        foreach (var key in (string[])["path", "from", "format", "encoding", "delimiter"])
        {
            if (YamlConfigReader.Child(map, key) is { } bad)
                throw r.Error(bad, $"{path}.{key}", key is "path" or "from"
                    ? $"the table is read from PostgreSQL ({(relation is null ? "query" : "postgres")}); remove '{key}'"
                    : $"is an option of files; a PostgreSQL table's columns are typed and read as text");
        }
        if (relation is not null && !RelationName().IsMatch(relation))
            throw r.Error(at, $"{path}.postgres", $"'{relation}' is not a table name; use table, schema.table or \"Quoted Name\" parts");
        if (query is not null)
        {
            query = query.Trim().TrimEnd(';').TrimEnd();
            if (query.Length == 0)
                throw r.Error(at, $"{path}.query", "is empty; give a SELECT whose columns are the table's");
        }
        if (relation is not null && r.Scalar(map, "id", $"{path}.id") is not null)
            throw r.Error(YamlConfigReader.Child(map, "id")!, $"{path}.id",
                "a PostgreSQL table's rows have no order to number; use 'query:' with ORDER BY, or map an id column under columns:");
        return new DatabaseSource(relation, query, ConnectionEnv(r, map, path), path, (int)at.Start.Line);
    }

    private static string ConnectionEnv(YamlConfigReader r, YamlMappingNode map, string path)
    {
        var env = r.Scalar(map, "connection_env", $"{path}.connection_env")
            ?? throw r.Error(map, $"{path}.connection_env", "is required for a PostgreSQL table: the environment variable that holds the connection string");
        if (env.Length == 0 || !env.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw r.Error(YamlConfigReader.Child(map, "connection_env")!, $"{path}.connection_env",
                $"'{env}' is not an environment variable name (letters, digits, _); put the connection string in that variable, not in pql.yaml");
        return env;
    }

    /// <summary>One to three dot-separated parts (database.schema.table at most), each a plain identifier or a double-quoted name.</summary>
    [GeneratedRegex("""^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")){0,2}$""")]
    private static partial Regex RelationName();
}
