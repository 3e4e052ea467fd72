using System.CommandLine;
using System.Globalization;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Labels;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql explain</c>: one entity's score, the model's base value and every feature's contribution.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: true);
        var asOf = CommonOptions.AsOf();
        var entity = new Option<string>("--entity", "-e") { Description = "The account or user id.", Required = true };
        var all = new Option<bool>("--all") { Description = "List features with a zero contribution too." };
        var command = new Command("explain",
            "Explain one entity's score with the goal's latest model: the calibrated score, the model's base value (its " +
            "average margin), and each feature's value and contribution (exact TreeSHAP for GBDT, centred coefficients " +
            "for logistic, weights for rules), largest first. Base value + contributions = the raw margin.\n" +
            "Example: pql explain --workspace demo-workspace --goal conversion --entity a629")
        {
            workspace, goal, asOf, entity, all,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            using var session = WorkspaceSession.Open(parse.GetValue(workspace)!, ctx);
            var g = session.Config.Goal(parse.GetValue(goal)!);
            var record = WorkspaceScorer.LatestModel(session.State, g.Name);
            var model = ModelArtifact.Load(record.ArtifactPath).ToModel();
            var store = session.Load.Store;
            var id = parse.GetValue(entity)!;
            var code = g.Entity == EntityKind.Account ? store.AccountIds.Find(id) : store.UserIds.Find(id);
            if (code < 0)
                throw new PqlInputException($"no {g.Entity.ToString().ToLowerInvariant()} '{id}' in the workspace");
            var t = CommonOptions.ParseAsOf(parse.GetValue(asOf), store, ctx) ?? store.MaxTime;
            var eligible = new GoalLabeler(store, g).IsEligible(code, t);
            var matrix = new FeatureEngine(store, FeatureConfig.Parse(session.Config), session.Config).Build(g.Entity, [code], [t]);
            var score = model.PredictProbability(matrix)[0];
            var explanation = model.Explain(matrix, 0);
            var inv = CultureInfo.InvariantCulture;
            var o = ctx.Out;
            o.WriteLine(string.Create(inv, $"{g.Entity.ToString().ToLowerInvariant()} {id}, goal {g.Name}, as of {Timestamps.Format(t)}: score {score:F4} ({model.Kind} model {record.Version})"));
            if (!eligible)
                o.WriteLine("  note: not eligible at this time (already achieved, created later, or not active for an inactivity goal); pql score leaves it out");
            o.WriteLine(string.Create(inv, $"  base value {explanation.BaseValue:F6}, raw margin {explanation.Margin:F6}"));
            o.WriteLine("  contribution  value         feature");
            var names = model.FeatureNames;
            var order = Enumerable.Range(0, names.Count).OrderByDescending(i => Math.Abs(explanation.Contributions[i])).ThenBy(i => names[i], StringComparer.Ordinal);
            foreach (var i in order)
            {
                var c = explanation.Contributions[i];
                if (c == 0 && !parse.GetValue(all))
                    continue;
                var column = matrix.IndexOf(names[i]);
                var value = column < 0 ? float.NaN : matrix.Columns[column].Values[0];
                var text = float.IsNaN(value) ? "missing"
                    : matrix.Columns[column].Kind == FeatureKind.Categorical && (int)value < matrix.Columns[column].Levels.Count ? matrix.Columns[column].Levels[(int)value]
                    : value.ToString("0.####", inv);
                o.WriteLine(string.Create(inv, $"  {c,12:+0.000000;-0.000000}  {text,-12}  {names[i]}"));
            }
            return 0;
        });
        return command;
    }
}
