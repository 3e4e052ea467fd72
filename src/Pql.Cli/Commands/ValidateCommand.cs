using System.CommandLine;

namespace Pql.Cli.Commands;

/// <summary><c>pql validate</c>: load the workspace and print a data-quality report.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var command = new Command("validate", "Load a workspace and print a data-quality report.\nExample: pql validate --workspace examples/sparkify-dend-logs")
        {
            workspace,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var config = Pql.Core.Workspace.ConfigLoader.Load(parse.GetValue(workspace)!);
            ctx.Out.WriteLine($"workspace {config.Directory}: {config.Goals.Count} goal(s)");
            return 0;
        });
        return command;
    }
}
