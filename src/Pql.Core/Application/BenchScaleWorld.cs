using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pql.Core.Demo;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>The clean world <c>pql bench scale</c> reads: its folder, event rows, accounts, the end of its period, and whether this run wrote it.</summary>
public sealed record BenchScaleWorldInfo(string Folder, long Events, int Accounts, long EndMs, long EventsFileBytes, bool Generated, double GenerateSeconds)
{
    public string EventsPath => Path.Combine(Folder, WorldGenerator.EventsFile);

    /// <summary>The line the command prints about the world.</summary>
    public string Line => Generated
        ? BenchScaleService.Inv($"world: generated {Events:N0} clean events for {Accounts:N0} accounts into {Folder} in {GenerateSeconds:F1} s")
        : BenchScaleService.Inv($"world: reusing {Events:N0} events of {Accounts:N0} accounts in {Folder}");
}

/// <summary>
/// The bench's world: generated once with no dirty rows (DuckDB and ClickHouse read the files as they are, so rows the loader would
/// reject or drop would make the matrices differ), and a marker file written last, so a half-written world is generated again.
/// </summary>
internal static class BenchScaleWorld
{
    private const string MarkerFile = "bench-scale.txt";

    /// <summary>Events per account of the generator (its mean): the account count for a requested event count.</summary>
    private const long EventsPerAccount = 136;

    public static BenchScaleWorldInfo Ensure(long events, string? folder, ILogger log)
    {
        var accounts = (int)Math.Max(1, events / EventsPerAccount);
        var dir = Path.GetFullPath(folder ?? Path.Combine(Path.GetTempPath(), BenchScaleService.Inv($"pql-bench-scale-{accounts}")));
        if (File.Exists(Path.Combine(dir, MarkerFile)))
            return Open(dir);
        Log.Progress(log, BenchScaleService.Inv($"generating a clean world of {accounts:N0} accounts into {dir}"));
        var clock = Stopwatch.StartNew();
        var options = new WorldOptions { Accounts = accounts, OutputDirectory = dir, DirtyShare = 0 };
        var world = WorldGenerator.Generate(options);
        File.WriteAllText(Path.Combine(dir, MarkerFile), BenchScaleService.Inv($"events={world.EventRows}\naccounts={world.Accounts}\nend_ms={options.EndMs}\n"));
        return Open(dir) with { Generated = true, GenerateSeconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>The world in <paramref name="folder"/>, as its marker file describes it.</summary>
    public static BenchScaleWorldInfo Open(string folder)
    {
        var marker = Path.Combine(folder, MarkerFile);
        if (!File.Exists(marker))
            throw new PqlInputException($"{folder}: no {MarkerFile}; it is not a world written by pql bench scale");
        var values = File.ReadAllLines(marker).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        long Value(string key) => values.TryGetValue(key, out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new PqlInputException($"{marker}: key '{key}' is missing or not a number");
        var events = Path.Combine(folder, WorldGenerator.EventsFile);
        return new BenchScaleWorldInfo(folder, Value("events"), (int)Value("accounts"), Value("end_ms"),
            File.Exists(events) ? new FileInfo(events).Length : 0, false, 0);
    }
}
