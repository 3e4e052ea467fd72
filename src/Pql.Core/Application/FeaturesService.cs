using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Labels;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record FeaturesRequest(string Workspace, string OutputCsv) : UseCaseRequest(Workspace)
{
    /// <summary>With a goal: one row per eligible entity and training cutoff, with its label. Without: every entity at as-of.</summary>
    public string? Goal { get; init; }
    /// <summary>The entity kind when no goal is given.</summary>
    public EntityKind Entity { get; init; } = EntityKind.Account;
    public long? AsOfMs { get; init; }
    /// <summary>Feature families to compute ("all" by default).</summary>
    public string Families { get; init; } = "all";
}

public sealed record FeaturesResult(int Rows, int Features, int? PositiveLabels, double LoadSeconds, double FeatureSeconds);

/// <summary>Exports the point-in-time feature matrix (and a goal's labels) as CSV, plain or gzip.</summary>
public static class FeaturesService
{
    public static Task<FeaturesResult> ExportAsync(FeaturesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = ConfigLoader.Load(request.Workspace);
        var featureConfig = FeatureConfig.Parse(config);
        var selected = FeatureFamilyNames.Parse(request.Families);
        var goal = request.Goal is { } g ? config.Goal(g) : null;
        var kind = goal?.Entity ?? request.Entity;
        var clock = Stopwatch.StartNew();
        var store = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = featureConfig.PropertyKeysNeeded, Log = request.Log }).Store;
        var loadSeconds = clock.Elapsed.TotalSeconds;
        if (store.EventCount == 0)
            throw new PqlInputException($"{config.ConfigPath}: the workspace has no events, so there is nothing to compute features from");
        var cutoff = request.AsOfMs ?? store.MaxTime;
        cancellationToken.ThrowIfCancellationRequested();

        int[] entities;
        long[] cutoffs;
        byte[] labels = [];
        if (goal is not null)
        {
            var plan = CutoffPlan.Build(cutoff, goal.HorizonMs, config.Training, store.MinTime);
            if (plan.Length == 0)
                throw new PqlInputException($"goal '{goal.Name}': no cutoff fits between the first event ({Timestamps.Format(store.MinTime)}) and --as-of {Timestamps.Format(cutoff)} minus the horizon; use a later --as-of or a shorter horizon");
            (entities, cutoffs, labels) = new GoalLabeler(store, goal).Rows(plan);
        }
        else
        {
            var created = kind == EntityKind.Account ? store.AccountCreatedAt : store.UserCreatedAt;
            entities = [.. Enumerable.Range(0, created.Length).Where(e => created[e] <= cutoff)];
            cutoffs = [.. Enumerable.Repeat(cutoff, entities.Length)];
        }

        clock.Restart();
        Log.Progress(request.Log, $"computing features for {entities.Length:N0} rows");
        var matrix = new FeatureEngine(store, featureConfig, config, selected).Build(kind, entities, cutoffs);
        var featureSeconds = clock.Elapsed.TotalSeconds;
        Write(request.OutputCsv, matrix, store, kind, labels);
        int? positives = goal is null ? null : labels.Count(l => l == 1);
        return Task.FromResult(new FeaturesResult(matrix.RowCount, matrix.ColumnCount, positives, loadSeconds, featureSeconds));
    }

    private static void Write(string path, FeatureMatrix matrix, EventStore store, EntityKind kind, byte[] labels)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        using var file = File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
        FeatureCsv.Write(writer, matrix, store, kind, labels);
    }
}
