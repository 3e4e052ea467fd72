using System.CommandLine;
using Pql.Core.Application;

namespace Pql.Cli.Commands;

/// <summary><c>pql keys create|revoke|list</c>: the server's API keys, stored hashed in the workspace's state file.</summary>
internal static class KeysCommand
{
    public static Command Create() => new("keys", "Manage the API keys of pql serve. A key's secret is printed once, when it is created, and stored only as a hash.")
    {
        CreateKey(),
        RevokeKey(),
        ListKeys(),
    };

    private static Command CreateKey()
    {
        var workspace = CommonOptions.Workspace();
        var name = new Option<string>("--name") { Description = "Who uses the key; recorded with every change made through it.", Required = true };
        var role = new Option<string>("--role") { Description = "read (scores), write (also ingest) or admin (also manage).", Required = true };
        var command = new Command("create", "Create a key and print its secret once.\nExample: pql keys create --workspace ws --name crm-sync --role write")
        {
            workspace, name, role,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            var secret = await KeysService.CreateAsync(parse.GetValue(workspace)!, parse.GetValue(name)!, parse.GetValue(role)!, ctx.By, ct).ConfigureAwait(false);
            await ctx.Out.WriteLineAsync(secret).ConfigureAwait(false);
            await ctx.Err.WriteLineAsync("This secret is shown once; pql keeps only its hash. Send it as: Authorization: Bearer <secret>").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command RevokeKey()
    {
        var workspace = CommonOptions.Workspace();
        var name = new Option<string>("--name") { Description = "The key to revoke.", Required = true };
        var command = new Command("revoke", "Revoke a key by name; requests with it get 401 at once.\nExample: pql keys revoke --workspace ws --name crm-sync") { workspace, name };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            await KeysService.RevokeAsync(parse.GetValue(workspace)!, parse.GetValue(name)!, ctx.By, ct).ConfigureAwait(false);
            await ctx.Out.WriteLineAsync($"revoked {parse.GetValue(name)}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListKeys()
    {
        var workspace = CommonOptions.Workspace();
        var command = new Command("list", "List keys (name, role, secret prefix, state); never the secrets.\nExample: pql keys list --workspace ws") { workspace };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            foreach (var k in await KeysService.ListAsync(parse.GetValue(workspace)!, ct).ConfigureAwait(false))
                await ctx.Out.WriteLineAsync($"{k.Name}\t{k.Role}\t{k.Prefix}...\t{(k.Revoked ? "revoked" : "active")}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
