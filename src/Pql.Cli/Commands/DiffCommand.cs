using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;

namespace Pql.Cli.Commands;

/// <summary><c>pql diff</c>: what moved between two stored score runs of a goal.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: true);
        var from = new Option<string?>("--from") { Description = "Run id to compare from (default: the second-latest run)." };
        var to = new Option<string?>("--to") { Description = "Run id to compare to (default: the latest run)." };
        var top = new Option<int>("--top") { Description = "Entities to show, largest score change first (default 50).", DefaultValueFactory = _ => 50 };
        var command = new Command("diff",
            "Show per entity the score change, tier change and the drivers whose contribution moved most between two runs.\n" +
            "Example: pql diff --workspace examples/sparkify-dend-logs --goal conversion")
        {
            workspace, goal, from, to, top,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var result = await DiffService.DiffAsync(new DiffRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!)
            {
                FromRun = parse.GetValue(from),
                ToRun = parse.GetValue(to),
            }, ct);
            Print(result.From, result.To, result.Changes, Math.Max(0, parse.GetValue(top)), ctx.Out);
            return 0;
        });
        return command;
    }

    private static void Print(ScoreRun from, ScoreRun to, IReadOnlyList<EntityChange> changes, int top, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"{to.Goal}: {from.RunId} (as of {Time(from.AsOfMs)}, model {from.ModelVersion}) -> {to.RunId} (as of {Time(to.AsOfMs)}, model {to.ModelVersion})");
        var both = changes.Where(c => c.OldScore is not null && c.NewScore is not null).ToList();
        var moved = both.Count(c => c.TierChanged || Math.Abs(c.ScoreDelta) > 1e-9);
        o.WriteLine($"{changes.Count} entities, {moved} changed, {both.Count(c => c.TierChanged)} changed tier, " +
                    $"{changes.Count(c => c.OldScore is null)} newly scored, {changes.Count(c => c.NewScore is null)} no longer scored");
        o.WriteLine("entity_id,old_score,new_score,delta,old_tier,new_tier,moved_drivers");
        foreach (var c in changes.Take(top))
        {
            var drivers = string.Join("; ", c.MovedDrivers.Select(m => string.Create(inv, $"{m.Feature} {m.Delta:+0.000;-0.000}")));
            o.WriteLine(string.Create(inv, $"{c.EntityId},{Num(c.OldScore)},{Num(c.NewScore)},{c.ScoreDelta:+0.000;-0.000;0.000},{c.OldTier},{c.NewTier},\"{drivers}\""));
        }
    }

    private static string Num(double? v) => v?.ToString("0.000", CultureInfo.InvariantCulture) ?? "";

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
