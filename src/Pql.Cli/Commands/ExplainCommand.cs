using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Events;

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
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var r = await ExplainService.ExplainAsync(new ExplainRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!, parse.GetValue(entity)!)
            {
                AsOfMs = CommonOptions.ParseAsOf(parse.GetValue(asOf)),
                IncludeZero = parse.GetValue(all),
                Log = ctx.Log,
            }, ct);
            var inv = CultureInfo.InvariantCulture;
            var o = ctx.Out;
            o.WriteLine(string.Create(inv, $"{r.Goal.Entity.ToString().ToLowerInvariant()} {r.EntityId}, goal {r.Goal.Name}, as of {Timestamps.Format(r.AsOfMs)}: score {r.Score:F4} ({r.ModelKind} model {r.ModelVersion})"));
            if (!r.Eligible)
                o.WriteLine("  note: not eligible at this time (already achieved, created later, or not active for an inactivity goal); pql score leaves it out");
            o.WriteLine(string.Create(inv, $"  base value {r.BaseValue:F6}, raw margin {r.Margin:F6}"));
            o.WriteLine("  contribution  value         feature");
            foreach (var c in r.Contributions)
                o.WriteLine(string.Create(inv, $"  {c.Contribution,12:+0.000000;-0.000000}  {c.Value,-12}  {c.Feature}"));
            return 0;
        });
        return command;
    }
}
