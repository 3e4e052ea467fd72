using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Server.Tests;

/// <summary>
/// <c>pql serve</c> as a real process, killed with SIGKILL while a client posts: after a restart no acknowledged event is lost,
/// replays store nothing twice, and no trigger fires twice. Loopback only; every wait is bounded.
/// </summary>
public sealed class ServeCrashTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Kill_9_mid_stream_loses_no_acknowledged_event_and_fires_no_trigger_twice()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var workspace = DemoWorkspace.Copy();
        var key = await SqliteApiKeys.OpenWorkspace(ConfigLoader.Load(workspace).StateDirectory).CreateKeyAsync("crash-test", ApiKeyRole.Write, Actor.Named("test"));
        var port = FreePort();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var batches = Enumerable.Range(0, 400).Select(Batch).ToList();
        var acknowledged = new List<string>();

        var first = Serve(workspace, port);
        try
        {
            await WaitHealthy(client, deadline.Token);
            var posting = Task.Run(async () =>
            {
                foreach (var (ids, body) in batches)
                {
                    using var answer = await client.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"), deadline.Token);
                    if (answer.StatusCode == HttpStatusCode.Accepted)
                        lock (acknowledged)
                            acknowledged.AddRange(ids);
                }
            }, deadline.Token);
            while (true)
            {
                lock (acknowledged)
                    if (acknowledged.Count >= 2000)
                        break;
                await Task.Delay(20, deadline.Token);
            }
            first.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs
            await first.WaitForExitAsync(deadline.Token);
            await Assert.ThrowsAnyAsync<Exception>(() => posting); // the stream was cut mid-way
        }
        finally
        {
            Stop(first);
        }
        Assert.True(acknowledged.Count < batches.Count * 20, "the kill should land before the client finished");

        var second = Serve(workspace, port);
        try
        {
            await WaitHealthy(client, deadline.Token);
            var duplicates = 0;
            foreach (var (_, body) in batches) // the client replays everything, acknowledged or not
            {
                using var answer = await client.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"), deadline.Token);
                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
                duplicates += JsonDocument.Parse(await answer.Content.ReadAsStringAsync(deadline.Token)).RootElement.GetProperty("duplicates").GetInt32();
            }
            Assert.True(duplicates >= acknowledged.Count, $"every acknowledged event is a duplicate on replay ({duplicates} < {acknowledged.Count})");
            await Task.Delay(1500, deadline.Token); // let the last coalesced rescoring finish
        }
        finally
        {
            Stop(second);
        }

        var stored = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(workspace, ".pql", "ingest"), "events-*.ndjson"))
        {
            foreach (var line in File.ReadLines(file))
            {
                try
                {
                    var id = JsonDocument.Parse(line).RootElement.GetProperty("event_id").GetString()!;
                    stored[id] = stored.GetValueOrDefault(id) + 1;
                }
                catch (JsonException)
                {
                    // a line torn by the kill: never acknowledged
                }
            }
        }
        Assert.All(acknowledged, id => Assert.True(stored.ContainsKey(id), $"acknowledged event {id} was lost"));
        Assert.Equal(batches.Count * 20, stored.Count);
        Assert.All(stored, p => Assert.Equal(1, p.Value));

        using var db = new SqliteConnection($"Data Source={Path.Combine(workspace, ".pql", "state.db")};Mode=ReadOnly");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM (SELECT goal, entity_id, trigger_name, data_json FROM trigger_log GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1)";
        Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
        cmd.CommandText = "SELECT COUNT(*) FROM (SELECT goal, entity_id, trigger_name, payload_json FROM outbox GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1)";
        Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
    }

    /// <summary>Batch <paramref name="n"/>: 20 events on 20 of the demo's accounts, with ids unique across batches.</summary>
    private static (string[] Ids, string Body) Batch(int n)
    {
        var ids = new string[20];
        var sb = new StringBuilder();
        for (var i = 0; i < 20; i++)
        {
            ids[i] = $"crash-{n}-{i}";
            var account = 1 + (n * 20 + i) % 200;
            sb.Append($$"""{"timestamp":"2026-10-31T23:{{(i + n) % 60:D2}}:00Z","event":"workflow_run","account_id":"a{{account}}","event_id":"{{ids[i]}}"}""").Append('\n');
        }
        return (ids, sb.ToString());
    }

    private static Process Serve(string workspace, int port)
    {
        var pql = Path.Combine(AppContext.BaseDirectory, "pql.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { pql, "serve", "--workspace", workspace, "--urls", $"http://127.0.0.1:{port}" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task WaitHealthy(HttpClient client, CancellationToken ct)
    {
        var until = DateTime.UtcNow + s_bound;
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var answer = await client.GetAsync("/readyz", ct);
                if (answer.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException("pql serve did not become ready");
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
