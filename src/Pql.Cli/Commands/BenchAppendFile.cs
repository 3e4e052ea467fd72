using System.IO.Compression;
using System.Text;

namespace Pql.Cli.Commands;

/// <summary>
/// The new file <c>pql bench ingest</c> appends: the header and the first rows of an events CSV (gzip or plain) with
/// <c>-appended</c> added to each event id, so its rows are new events of known users and accounts (an append that adds
/// users or accounts rebuilds instead). Rows whose event id cannot be found simply (a quote before it) are copied as they are.
/// </summary>
internal static class BenchAppendFile
{
    /// <summary>Writes the first <paramref name="wanted"/> rows of <paramref name="source"/> to <paramref name="target"/>; returns the rows written.</summary>
    public static long Write(string source, string target, long wanted)
    {
        var gzip = source.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        using var input = Open(source, gzip);
        using var output = new StreamWriter(gzip ? new GZipStream(File.Create(target), CompressionLevel.Fastest) : File.Create(target), new UTF8Encoding(false));
        var header = input.ReadLine() ?? throw new InvalidDataException($"{source}: no header");
        output.WriteLine(header);
        var idColumn = Array.IndexOf(header.Split(','), "event_id");
        long rows = 0;
        while (rows < wanted && input.ReadLine() is { } line)
        {
            output.WriteLine(idColumn < 0 ? line : WithNewId(line, idColumn));
            rows++;
        }
        return rows;
    }

    /// <summary>The line with "-appended" after the value of column <paramref name="column"/> (when no quote comes before its end).</summary>
    private static string WithNewId(string line, int column)
    {
        var start = 0;
        for (var c = 0; c < column; c++)
        {
            var comma = line.IndexOf(',', start);
            if (comma < 0)
                return line;
            start = comma + 1;
        }
        var end = line.IndexOf(',', start);
        if (end < 0)
            end = line.Length;
        if (line.AsSpan(0, end).Contains('"') || end == start)
            return line;
        return string.Concat(line.AsSpan(0, end), "-appended", line.AsSpan(end));
    }

    private static StreamReader Open(string path, bool gzip) =>
        new(gzip ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress) : File.OpenRead(path), Encoding.UTF8);
}
