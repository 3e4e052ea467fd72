using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;

namespace Pql.Cli.Commands;

/// <summary><c>pql export</c>: the loaded workspace in the data contract's plain layout, for tools that read only the contract.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var output = new Option<string>("--out", "-o") { Description = "Folder to write accounts.csv, users.csv, events.csv and pql.yaml into.", Required = true };
        var command = new Command("export",
            "Write the workspace as pql loaded it (table maps, column mappings and lookups applied) in the data contract's layout: " +
            "accounts.csv, users.csv, events.csv and a pql.yaml with the same goals, so the notebook peer can score it.\n" +
            "Example: pql export --workspace examples/ravenstack-saas --out /tmp/ravenstack-plain")
        {
            workspace, output,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var r = ExportService.Export(new ExportRequest(parse.GetValue(workspace)!, parse.GetValue(output)!) { Log = ctx.Log });
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exported {r.Accounts:N0} accounts, {r.Users:N0} users, {r.Events:N0} events -> {r.OutDirectory}"));
            return 0;
        });
        return command;
    }
}
