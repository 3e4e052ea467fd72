using System.IO.Compression;
using System.Text;

namespace Pql.Core.Demo;

/// <summary>
/// Writes a seeded, realistic multi-product SaaS world as a workspace: <c>accounts.csv</c>, <c>users.csv</c>,
/// <c>events.csv.gz</c> and <c>pql.yaml</c>, following the data contract. Accounts are simulated in parallel
/// chunks, each with its own random streams; each chunk's events become one gzip member and members are
/// concatenated in chunk order (a multi-member gzip file), so the bytes depend only on the options.
/// </summary>
public static class WorldGenerator
{
    /// <summary>Chunks simulated between two ordered writes; bounds memory at any world size.</summary>
    private const int BatchChunks = 32;

    public const string AccountsFile = "accounts.csv";
    public const string UsersFile = "users.csv";
    public const string EventsFile = "events.csv.gz";

    /// <summary>Generates the world described by <paramref name="options"/>; reports the share of chunks done to <paramref name="progress"/>.</summary>
    public static WorldResult Generate(WorldOptions options, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var dir = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(dir);
        var plan = new WorldPlan(options.Seed, options.Accounts, options.Days, options.StartMs, options.EndMs, options.DirtyShare);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };

        var accountsPath = Path.Combine(dir, AccountsFile);
        var usersPath = Path.Combine(dir, UsersFile);
        var eventsPath = Path.Combine(dir, EventsFile);
        var total = new WorldCounts();
        using (var accounts = Create(accountsPath))
        using (var users = Create(usersPath))
        using (var events = Create(eventsPath))
        {
            accounts.Write("account_id,created_at,segment,employees,industry,country,plan,owner\n"u8);
            users.Write("user_id,account_id,created_at,role,email\n"u8);
            WriteGzipMember(events, EventRowWriter.Header);

            var outputs = new ChunkOutput[BatchChunks];
            for (var batch = 0; batch < plan.Chunks; batch += BatchChunks)
            {
                var end = Math.Min(plan.Chunks, batch + BatchChunks);
                var first = batch;
                Parallel.For(first, end, parallel,
                    () => new WorldChunkWorker(plan),
                    (chunk, _, worker) =>
                    {
                        outputs[chunk - first] = worker.Run(chunk);
                        return worker;
                    },
                    _ => { });
                for (var i = 0; i < end - first; i++)
                {
                    accounts.Write(outputs[i].Accounts);
                    users.Write(outputs[i].Users);
                    events.Write(outputs[i].EventsGzip);
                    total.Add(outputs[i].Counts);
                    outputs[i] = null!;
                }
                progress?.Report((double)end / plan.Chunks);
            }
        }

        var configPath = Path.Combine(dir, Workspace.ConfigLoader.FileName);
        File.WriteAllText(configPath, DemoWorkspaceTemplate.Render(options), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return new WorldResult
        {
            Directory = dir,
            ConfigPath = configPath,
            AccountsPath = accountsPath,
            UsersPath = usersPath,
            EventsPath = eventsPath,
            Accounts = total.Accounts,
            Users = total.Users,
            EventRows = total.EventRows,
            DirtyRows = total.DirtyRows,
            Conversions = total.Conversions,
            Expansions = total.Expansions,
            ChurnedAccounts = total.Churned,
            EventsBytes = new FileInfo(eventsPath).Length,
        };
    }

    private static FileStream Create(string path) =>
        new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);

    private static void WriteGzipMember(Stream output, ReadOnlySpan<byte> bytes)
    {
        using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        gzip.Write(bytes);
    }
}
