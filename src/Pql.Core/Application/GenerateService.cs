using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Demo;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>What <c>pql generate</c> asks for: the world's size, seed, end date (YYYY-MM-DD text), dirt and folder.</summary>
public sealed record GenerateRequest(string OutputDirectory)
{
    private static readonly WorldOptions s_defaults = new();

    public int Accounts { get; init; } = s_defaults.Accounts;
    public int Days { get; init; } = s_defaults.Days;
    public long Seed { get; init; } = s_defaults.Seed;
    /// <summary>End of the period, YYYY-MM-DD (exclusive); the generator's default when null or blank.</summary>
    public string? End { get; init; }
    public double DirtyShare { get; init; } = s_defaults.DirtyShare;
    /// <summary>Worker threads (all cores when null); never changes the output.</summary>
    public int? Threads { get; init; }
    /// <summary>A line per tenth of the accounts generated.</summary>
    /// <summary>Where progress lines go (one per tenth of the accounts); none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;

    /// <summary>The generator's defaults, for option help.</summary>
    public static WorldOptions Defaults => s_defaults;
}

public sealed record GenerateResult(WorldResult World, TimeSpan Elapsed);

/// <summary><c>pql generate</c>: write a seeded, realistic multi-product SaaS world as a workspace (any earlier state in it cleared).</summary>
public static class GenerateService
{
    public static GenerateResult Generate(GenerateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new WorldOptions
        {
            Accounts = request.Accounts,
            Days = request.Days,
            Seed = request.Seed,
            End = ParseEnd(request.End) ?? GenerateRequest.Defaults.End,
            DirtyShare = request.DirtyShare,
            OutputDirectory = request.OutputDirectory,
            MaxDegreeOfParallelism = request.Threads,
        };
        DemoTarget.Prepare(options.OutputDirectory, clearState: true);
        var clock = Stopwatch.StartNew();
        var world = WorldGenerator.Generate(options, request.Log.IsEnabled(LogLevel.Information) ? new TenthLines(request.Log) : null, cancellationToken);
        return new GenerateResult(world, clock.Elapsed);
    }

    private static DateOnly? ParseEnd(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new PqlInputException($"--end: '{text}' is not a date; use YYYY-MM-DD (e.g. 2026-11-01)");
    }

    /// <summary>A progress line per tenth of the accounts (the generator reports from its own thread, in order).</summary>
    private sealed class TenthLines(ILogger log) : IProgress<double>
    {
        private int _lastTenth;

        public void Report(double value)
        {
            var tenth = (int)(value * 10);
            if (tenth <= _lastTenth)
                return;
            _lastTenth = tenth;
            Log.Progress(log, $"generated {tenth * 10}% of accounts");
        }
    }
}
