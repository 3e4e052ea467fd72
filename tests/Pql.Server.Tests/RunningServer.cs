using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Server.Tests;

/// <summary>The server on a real Kestrel at 127.0.0.1 (a free port), over a fresh copy of the demo workspace, with one key per role.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, string workspace, Uri address, string read, string write, string admin)
    {
        _app = app;
        Workspace = workspace;
        Address = address;
        ReadKey = read;
        WriteKey = write;
        AdminKey = admin;
    }

    public string Workspace { get; }
    public Uri Address { get; }
    public string ReadKey { get; }
    public string WriteKey { get; }
    public string AdminKey { get; }

    public static async Task<RunningServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null, string? workspace = null)
    {
        workspace ??= DemoWorkspace.Copy();
        var keys = SqliteApiKeys.OpenWorkspace(ConfigLoader.Load(workspace).StateDirectory);
        var actor = Actor.Named("test");
        var read = await keys.CreateKeyAsync("rep_07", ApiKeyRole.Read, actor);
        var write = await keys.CreateKeyAsync("crm-sync", ApiKeyRole.Write, actor);
        var admin = await keys.CreateKeyAsync("ops", ApiKeyRole.Admin, actor);
        var options = new ServerOptions { Workspace = workspace, Urls = "http://127.0.0.1:0", CoalesceWindow = TimeSpan.FromMilliseconds(50) };
        var app = PqlServer.Build(configure?.Invoke(options) ?? options);
        await app.StartAsync();
        return new RunningServer(app, workspace, new Uri(app.Urls.First()), read, write, admin);
    }

    /// <summary>A service of the running server (its engine, health, score board).</summary>
    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static StringContent Ndjson(params string[] lines) => new(string.Join('\n', lines), Encoding.UTF8, "application/x-ndjson");

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
