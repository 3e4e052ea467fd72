using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
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
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var path = parse.GetValue(output)!;
            var r = await FeaturesService.ExportAsync(new FeaturesRequest(parse.GetValue(workspace)!, path)
            {
                Goal = parse.GetValue(goal),
                Entity = ParseEntity(parse.GetValue(entity)!),
                AsOfMs = CommonOptions.ParseAsOf(parse.GetValue(asOf)),
                Families = parse.GetValue(families)!,
                Log = ctx.Log,
            }, ct);
            var positives = r.PositiveLabels is { } p ? string.Create(CultureInfo.InvariantCulture, $", {p:N0} positive labels") : "";
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {r.Rows:N0} rows x {r.Features} features to {path} (load {r.LoadSeconds:F1} s, features {r.FeatureSeconds:F2} s{positives})"));
            return 0;
        });
        return command;
    }

    private static EntityKind ParseEntity(string text) => text switch
    {
        "account" => EntityKind.Account,
        "user" => EntityKind.User,
        _ => throw new PqlInputException($"--entity: '{text}' is not account or user"),
    };
}
