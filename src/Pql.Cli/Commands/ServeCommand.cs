using System.CommandLine;
using Pql.Server;

namespace Pql.Cli.Commands;

/// <summary><c>pql serve</c>: the always-on engine with its HTTP API and web app (src/Pql.Server).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var workspace = CommonOptions.Workspace();
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, ';'-separated (default http://127.0.0.1:8080: loopback only unless told otherwise).",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var maxBody = new Option<long>("--max-request-bytes") { Description = "Largest request body; larger ones get 413 (default 16 MiB).", DefaultValueFactory = _ => 16L << 20 };
        var rate = new Option<int>("--rate-limit") { Description = "Requests per second per API key; more get 429 (default 500).", DefaultValueFactory = _ => 500 };
        var command = new Command("serve",
            "Run the engine as a server: ingest events over HTTP (durably, idempotently), rescore touched entities within a second, " +
            "fire triggers into the outbox and deliver it, and serve the read API, the web app for reps, OpenAPI (/openapi/v1.json, " +
            "/scalar) and Prometheus metrics (/metrics). Every route but /healthz and /readyz needs an API key (pql keys create).\n" +
            "Example: pql serve --workspace my-workspace --urls http://127.0.0.1:8080")
        {
            workspace, urls, maxBody, rate,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            await PqlServer.RunAsync(new ServerOptions
            {
                Workspace = parse.GetValue(workspace)!,
                Urls = parse.GetValue(urls)!,
                MaxRequestBytes = parse.GetValue(maxBody),
                RequestsPerSecond = parse.GetValue(rate),
                Log = ctx.Err,
            }, where =>
            {
                ctx.Err.WriteLine($"pql serve: listening on {where}");
                ctx.Err.Flush();
            }, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
