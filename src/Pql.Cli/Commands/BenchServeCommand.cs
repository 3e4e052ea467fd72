using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pql.Core.Ingest;
using Pql.Core.State;
using Pql.Core.Workspace;
using Pql.Server;
using Pql.Server.Live;

namespace Pql.Cli.Commands;

/// <summary>
/// <c>pql bench serve</c>: a generated demo world served on loopback, a client posting its accounts' events at a fixed rate, and the
/// figures issue 14 names: accepted versus stored, latency from the 202 answer to the rescored row and to the trigger's outbox row,
/// CPU and resident memory over time. Client and server share this process (CPU and memory include the client).
/// </summary>
internal static class BenchServeCommand
{
    public static Command Create()
    {
        var rate = new Option<int>("--rate") { Description = "Events per second to post (default 10000).", DefaultValueFactory = _ => 10_000 };
        var seconds = new Option<int>("--seconds") { Description = "How long to post (default 60).", DefaultValueFactory = _ => 60 };
        var accounts = new Option<int>("--accounts") { Description = "Accounts in the generated world (default 2000).", DefaultValueFactory = _ => 2000 };
        var command = new Command("serve",
            "Post a generated world's events to pql serve on 127.0.0.1 at --rate for --seconds and print accepted vs stored, " +
            "p50/p95/p99 from the answer to the rescored row and to the trigger's outbox row, and CPU and RSS over time.\n" +
            "Example: pql bench serve --rate 10000 --seconds 60")
        {
            rate, seconds, accounts,
        };
        CliApp.SetHandler(command, async (parse, ctx, ct) =>
        {
            await RunAsync(parse.GetValue(rate), parse.GetValue(seconds), parse.GetValue(accounts), ctx, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task RunAsync(int rate, int seconds, int accountCount, CliContext ctx, CancellationToken ct)
    {
        if (rate < 10 || seconds < 1)
            throw new PqlInputException("--rate must be at least 10 and --seconds at least 1");
        var dir = Path.Combine(Directory.CreateTempSubdirectory("pql-bench-serve-").FullName, "ws");
        ctx.Err.WriteLine($"generating and training a {accountCount:N0}-account demo world in {dir}");
        if (CliApp.Run(["demo", "--out", dir, "--accounts", accountCount.ToString(CultureInfo.InvariantCulture), "--days", "120"], TextWriter.Null, TextWriter.Null) is not (0 or 2)
            || !File.Exists(Path.Combine(dir, ".pql", "state.db")))
            throw new InvalidOperationException("pql demo failed");
        var key = await SqliteApiKeys.OpenWorkspace(Path.Combine(dir, ".pql")).CreateKeyAsync("bench", ApiKeyRole.Write, Actor.System("bench"), ct).ConfigureAwait(false);
        await using var app = PqlServer.Build(new ServerOptions { Workspace = dir, Urls = "http://127.0.0.1:0", RequestsPerSecond = 1_000_000 });
        await app.StartAsync(ct).ConfigureAwait(false);
        var engine = (WorkspaceEngine)app.Services.GetService(typeof(WorkspaceEngine))!;
        var store = engine.Load!.Store;
        var ids = store.AccountIds.Values;
        var names = store.EventNames.Values;
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var sampling = new CancellationTokenSource();
        var samples = new List<(double T, double Cpu, double RssMb, string Load)>();
        var sampler = Sample(samples, sampling.Token);
        var perTick = Math.Max(1, rate / 10);
        var acks = new List<(long AckMs, int First, int Count)>();
        long accepted = 0, sent = 0;
        var clock = Stopwatch.StartNew();
        var n = 0;
        for (var tick = 0; tick < seconds * 10; tick++)
        {
            var due = TimeSpan.FromMilliseconds(tick * 100);
            if (clock.Elapsed < due)
                await Task.Delay(due - clock.Elapsed, ct).ConfigureAwait(false);
            var body = new StringBuilder(perTick * 140);
            for (var i = 0; i < perTick; i++, n++)
            {
                body.Append(CultureInfo.InvariantCulture, $$"""{"timestamp":"{{DateTimeOffset.FromUnixTimeMilliseconds(store.MaxTime + n):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","event":"{{names[n % names.Count]}}","account_id":"{{ids[n % ids.Count]}}","event_id":"bench-{{n}}"}""").Append('\n');
            }
            using var answer = await client.PostAsync("/v1/events", new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"), ct).ConfigureAwait(false);
            sent += perTick;
            var ackMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (answer.IsSuccessStatusCode)
            {
                accepted += JsonDocument.Parse(await answer.Content.ReadAsStringAsync(ct).ConfigureAwait(false)).RootElement.GetProperty("accepted").GetInt32();
                acks.Add((ackMs, n - perTick, perTick));
            }
        }
        var postSeconds = clock.Elapsed.TotalSeconds;
        ctx.Err.WriteLine("posting done; waiting for the rescorer to drain");
        var quietSince = clock.Elapsed;
        while (clock.Elapsed - quietSince < TimeSpan.FromSeconds(2) && clock.Elapsed.TotalSeconds < postSeconds + 300)
        {
            if (!engine.Idle)
                quietSince = clock.Elapsed;
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);

        var stored = CountStored(engine.Config);
        var history = SqliteEntityHistory.OpenWorkspace(engine.Config.StateDirectory);
        var scored = ByEntity(history.RowsScoredSince(startMs));
        var toRow = new List<double>();
        foreach (var (ackMs, first, count) in acks)
        {
            for (var k = first; k < first + count; k++)
            {
                if (scored.TryGetValue(ids[k % ids.Count], out var times) && FirstAtOrAfter(times, ackMs) is { } t)
                    toRow.Add(t - ackMs);
            }
        }
        var toTrigger = new List<double>();
        var ackByAccount = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var (ackMs, first, count) in acks)
            for (var k = first; k < first + count; k++)
                (ackByAccount.TryGetValue(ids[k % ids.Count], out var l) ? l : ackByAccount[ids[k % ids.Count]] = []).Add(ackMs);
        foreach (var (entity, created) in history.ActionsQueuedSince(startMs))
        {
            if (!ackByAccount.TryGetValue(entity, out var entityAcks))
                continue;
            // The run that fired wrote the entity's latest row before the action; the events it reflects came after the row before that.
            var rows = scored.TryGetValue(entity, out var times) ? times.Where(t => t <= created).ToList() : [];
            var previous = rows.Count >= 2 ? rows[^2] : 0;
            var firstUnscored = entityAcks.Where(a => a > previous && a <= created).DefaultIfEmpty(-1).Min();
            if (firstUnscored > 0)
                toTrigger.Add(created - firstUnscored);
        }

        var o = ctx.Out;
        await o.WriteLineAsync($"pql bench serve: target {rate:N0} events/s for {seconds} s, {accountCount:N0} accounts, {Environment.ProcessorCount} cores (client and server in one process)").ConfigureAwait(false);
        await o.WriteLineAsync($"  sent {sent:N0} in {postSeconds:F1} s ({sent / postSeconds:N0}/s achieved); accepted {accepted:N0}; stored {stored:N0}; accepted == stored: {(accepted == stored ? "yes" : "NO")}").ConfigureAwait(false);
        var health = (ServiceHealth)app.Services.GetService(typeof(ServiceHealth))!;
        var metrics = (ServerMetrics)app.Services.GetService(typeof(ServerMetrics))!;
        foreach (var (service, problem) in health.Failures)
            await o.WriteLineAsync($"  FAILING {service}: {problem}").ConfigureAwait(false);
        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  rescoring passes {metrics.Rescorings.Value:N0}, entity rows written {metrics.EntitiesRescored.Value:N0}, triggers fired {metrics.TriggersFired.Value:N0}")).ConfigureAwait(false);
        await o.WriteLineAsync($"  answer -> rescored row  ({toRow.Count:N0} events): {Percentiles(toRow)}").ConfigureAwait(false);
        await o.WriteLineAsync($"  answer -> outbox row    ({toTrigger.Count:N0} actions): {Percentiles(toTrigger)}").ConfigureAwait(false);
        await o.WriteLineAsync("  time s   cpu %   rss MB   machine load (1, 5, 15 min; other processes included)").ConfigureAwait(false);
        foreach (var (t, cpu, rss, load) in samples.Where((_, i) => i % Math.Max(1, samples.Count / 15) == 0))
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {t,6:F0} {cpu,7:F0} {rss,8:F0}   {load}")).ConfigureAwait(false);
    }

    private static long CountStored(WorkspaceConfig config)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in IngestSegments.Events(config)?.Paths ?? [])
            foreach (var line in File.ReadLines(file))
            {
                var at = line.IndexOf("\"event_id\":\"bench-", StringComparison.Ordinal);
                if (at >= 0)
                    ids.Add(line[(at + 12)..line.IndexOf('"', at + 12)]);
            }
        return ids.Count;
    }

    private static Dictionary<string, List<long>> ByEntity(IReadOnlyList<(string Entity, long CreatedMs)> rows)
    {
        var map = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var (e, t) in rows)
            (map.TryGetValue(e, out var l) ? l : map[e] = []).Add(t);
        return map;
    }

    private static long? FirstAtOrAfter(List<long> sorted, long t)
    {
        var i = sorted.BinarySearch(t);
        if (i < 0)
            i = ~i;
        return i < sorted.Count ? sorted[i] : null;
    }

    private static string Percentiles(List<double> ms)
    {
        if (ms.Count == 0)
            return "none measured";
        ms.Sort();
        double P(double q) => ms[Math.Min(ms.Count - 1, (int)(q * ms.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.50):F0} ms, p95 {P(0.95):F0} ms, p99 {P(0.99):F0} ms, max {ms[^1]:F0} ms");
    }

    /// <summary>The machine's load averages from /proc/loadavg (the bench shares its cores with whatever else runs).</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static async Task Sample(List<(double, double, double, string)> samples, CancellationToken ct)
    {
        using var me = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        var lastCpu = me.TotalProcessorTime;
        var lastT = clock.Elapsed;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(1000, ct).ConfigureAwait(false);
                me.Refresh();
                var cpu = me.TotalProcessorTime;
                var t = clock.Elapsed;
                samples.Add((t.TotalSeconds, 100 * (cpu - lastCpu).TotalSeconds / (t - lastT).TotalSeconds, me.WorkingSet64 / 1048576.0, LoadAverage()));
                (lastCpu, lastT) = (cpu, t);
            }
        }
        catch (OperationCanceledException)
        {
            // sampling ends with the run
        }
    }
}
