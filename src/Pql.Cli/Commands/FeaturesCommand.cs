using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Labels;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql features</c>: export the point-in-time feature matrix (and labels for a goal) as CSV.</summary>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: false);
        var asOf = CommonOptions.AsOf();
        var output = new Option<string>("--out", "-o") { Description = "The CSV to write (.csv or .csv.gz).", Required = true };
        var entity = new Option<string>("--entity") { Description = "account or user, when no goal is given (a goal's entity wins).", DefaultValueFactory = _ => "account" };
        var families = new Option<string>("--families") { Description = "Feature families to include, comma-separated (default all).", DefaultValueFactory = _ => "all" };
        var command = new Command("features",
            "Write the feature matrix as CSV: entity_id, cutoff, label (with --goal: one row per eligible entity and training cutoff), then every feature.\n" +
            "Without --goal: one row per entity created by --as-of, at --as-of.\n" +
            "Example: pql features --workspace demo-world --goal conversion --out features.csv")
        {
            workspace, goal, asOf, output, entity, families,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var config = ConfigLoader.Load(parse.GetValue(workspace)!);
            var featureConfig = FeatureConfig.Parse(config);
            var selected = FeatureFamilyNames.Parse(parse.GetValue(families)!);
            var goalDef = parse.GetValue(goal) is { } g ? config.Goal(g) : null;
            var kind = goalDef?.Entity ?? ParseEntity(parse.GetValue(entity)!);
            var clock = Stopwatch.StartNew();
            var load = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = featureConfig.PropertyKeysNeeded, Progress = ctx.Progress });
            var store = load.Store;
            var loadSeconds = clock.Elapsed.TotalSeconds;
            if (store.EventCount == 0)
                throw new PqlInputException($"{config.ConfigPath}: the workspace has no events, so there is nothing to compute features from");
            var cutoff = CommonOptions.ParseAsOf(parse.GetValue(asOf)) ?? store.MaxTime;

            int[] entities;
            long[] cutoffs;
            byte[] labels = [];
            if (goalDef is not null)
            {
                var plan = CutoffPlan.Build(cutoff, goalDef.HorizonMs, config.Training, store.MinTime);
                if (plan.Length == 0)
                    throw new PqlInputException($"goal '{goalDef.Name}': no cutoff fits between the first event ({Timestamps(store.MinTime)}) and --as-of {Timestamps(cutoff)} minus the horizon; use a later --as-of or a shorter horizon");
                (entities, cutoffs, labels) = new GoalLabeler(store, goalDef).Rows(plan);
            }
            else
            {
                var created = kind == EntityKind.Account ? store.AccountCreatedAt : store.UserCreatedAt;
                entities = [.. Enumerable.Range(0, created.Length).Where(e => created[e] <= cutoff)];
                cutoffs = [.. Enumerable.Repeat(cutoff, entities.Length)];
            }

            clock.Restart();
            ctx.Progress($"computing features for {entities.Length:N0} rows");
            var matrix = new FeatureEngine(store, featureConfig, config, selected).Build(kind, entities, cutoffs);
            var featureSeconds = clock.Elapsed.TotalSeconds;
            var path = parse.GetValue(output)!;
            Write(path, matrix, store, kind, labels);
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {matrix.RowCount:N0} rows x {matrix.ColumnCount} features to {path} (load {loadSeconds:F1} s, features {featureSeconds:F2} s{Positives(labels)})"));
            return 0;
        });
        return command;
    }

    private static string Timestamps(long ms) => Pql.Core.Events.Timestamps.Format(ms);

    private static string Positives(byte[] labels)
    {
        if (labels.Length == 0)
            return "";
        var positives = labels.Count(l => l == 1);
        return string.Create(CultureInfo.InvariantCulture, $", {positives:N0} positive labels");
    }

    private static EntityKind ParseEntity(string text) => text switch
    {
        "account" => EntityKind.Account,
        "user" => EntityKind.User,
        _ => throw new PqlInputException($"--entity: '{text}' is not account or user"),
    };

    private static void Write(string path, Pql.Core.Features.FeatureMatrix matrix, Pql.Core.Events.EventStore store, EntityKind kind, byte[] labels)
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
