using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Demo;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>A generated benchmark world: its folder, and the generation when it was written now rather than reused.</summary>
public sealed record BenchWorldResult(string Directory, WorldResult? Generated, TimeSpan Elapsed)
{
    /// <summary>The line the bench commands print about the world.</summary>
    public string Line => Generated is { } world
        ? string.Create(CultureInfo.InvariantCulture,
            $"world: generated {world.EventRows:N0} event rows for {world.Accounts:N0} accounts into {Directory} in {Elapsed.TotalSeconds:F1} s")
        : $"world: reusing {Directory}";
}

/// <summary>The generated world the benchmarks read, kept in the temp folder per account count and written once.</summary>
public static class BenchWorld
{
    public static BenchWorldResult Ensure(int accounts, ILogger? log = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"pql-bench-world-{accounts}"));
        if (File.Exists(Path.Combine(dir, ConfigLoader.FileName)))
            return new BenchWorldResult(dir, null, TimeSpan.Zero);
        Log.Progress(log ?? NullLogger.Instance, string.Create(CultureInfo.InvariantCulture, $"generating {accounts:N0} accounts into {dir}"));
        var clock = Stopwatch.StartNew();
        var world = WorldGenerator.Generate(new WorldOptions { Accounts = accounts, OutputDirectory = dir });
        return new BenchWorldResult(dir, world, clock.Elapsed);
    }
}
