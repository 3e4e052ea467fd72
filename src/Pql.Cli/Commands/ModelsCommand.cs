using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql models list|show|promote|rollback --goal G</c>: a goal's versions, approval and rollback.</summary>
internal static class ModelsCommand
{
    private delegate Task<ModelsResult> ModelsAction(ModelsRequest request, CancellationToken cancellationToken);

    public static Command Create() => new("models",
        "A goal's model versions: which is current, which wait for a second person's approval; promote or roll back in one command.\n" +
        "Example: pql models rollback --workspace examples/sparkify-dend-logs --goal conversion --by alice")
    {
        Sub("list", "Versions of the goal, oldest first, marking the current one and those waiting for approval.", ModelsService.ListAsync, version: false),
        Sub("show", "One version's kind, artifact and metrics.", ModelsService.ListAsync, version: true),
        Sub("promote", "Makes --version current; a version waiting for approval needs an identity (--by) other than the one that trained it.",
            ModelsService.PromoteAsync, version: true),
        Sub("rollback", "Makes --version (default: the version before the current one) current; the next scoring uses it.",
            ModelsService.RollbackAsync, version: true),
    };

    private static Command Sub(string name, string description, ModelsAction action, bool version)
    {
        var workspace = CommonOptions.Workspace();
        var goal = CommonOptions.Goal(required: true);
        var versionOption = new Option<string?>("--version") { Description = "The model version (pql models list shows them)." };
        var command = new Command(name, description) { workspace, goal };
        if (version)
            command.Options.Add(versionOption);
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var result = await action(new ModelsRequest(parse.GetValue(workspace)!, parse.GetValue(goal)!)
            {
                Version = version ? parse.GetValue(versionOption) : null,
                By = ctx.By,
            }, ct);
            if (name == "show")
                Show(result, parse.GetValue(versionOption), ctx.Out);
            else
                Print(result, ctx.Out);
            return 0;
        });
        return command;
    }

    private static void Print(ModelsResult result, TextWriter o)
    {
        foreach (var m in result.Versions)
        {
            var mark = m.Version == result.Current ? "current" : result.Pending.Any(p => p.Version == m.Version) ? "waiting" : "";
            o.WriteLine($"{m.Version}  {m.Kind,-8}  {Time(m.CreatedMs)}  {mark}");
        }
        foreach (var p in result.Pending)
            o.WriteLine($"waiting for approval: {p.Version} (requested by {p.RequestedBy}): {p.Reason}");
    }

    private static void Show(ModelsResult result, string? version, TextWriter o)
    {
        var m = result.Versions.FirstOrDefault(v => v.Version == version)
            ?? throw new PqlInputException($"--version: '{version}' is not a registered version of this goal");
        o.WriteLine($"version {m.Version}{(m.Version == result.Current ? " (current)" : "")}");
        o.WriteLine($"kind {m.Kind}, trained {Time(m.CreatedMs)}");
        o.WriteLine($"artifact {m.ArtifactPath}");
        o.WriteLine($"metrics {m.MetricsJson}");
    }

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
