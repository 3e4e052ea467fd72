using System.IO.Compression;

namespace Pql.Core.Demo;

/// <summary>What the generator needs to know to produce any chunk on its own.</summary>
internal sealed record WorldPlan(long Seed, int Accounts, int Days, long StartMs, long EndMs, double DirtyShare)
{
    /// <summary>Accounts per chunk. Fixed, so the files do not depend on the thread count.</summary>
    public const int ChunkAccounts = 128;

    public int Chunks => (Accounts + ChunkAccounts - 1) / ChunkAccounts;
}

/// <summary>One chunk's rows: accounts and users as plain CSV bytes, events as one complete gzip member.</summary>
internal sealed record ChunkOutput(byte[] Accounts, byte[] Users, byte[] EventsGzip, WorldCounts Counts);

/// <summary>
/// Produces chunks of accounts. Each account has its own random streams (one for behaviour, one for
/// formatting and dirt), so its rows depend only on the seed and its index. One worker per thread.
/// </summary>
internal sealed class WorldChunkWorker(WorldPlan plan)
{
    private readonly AccountSimulator _simulator = new();
    private readonly Utf8Buffer _accounts = new(1 << 14);
    private readonly Utf8Buffer _users = new(1 << 15);
    private readonly Utf8Buffer _events = new(1 << 22);
    private readonly double _dirtyPerRow = plan.DirtyShare / (1 - plan.DirtyShare);

    public ChunkOutput Run(int chunk)
    {
        _accounts.Clear();
        _users.Clear();
        _events.Clear();
        var counts = new WorldCounts();
        var first = chunk * WorldPlan.ChunkAccounts;
        var last = Math.Min(plan.Accounts, first + WorldPlan.ChunkAccounts);
        for (var index = first; index < last; index++)
            Account(index, counts);

        using var compressed = new MemoryStream(_events.Length / 4 + 64);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(_events.Written);
        return new ChunkOutput(_accounts.Written.ToArray(), _users.Written.ToArray(), compressed.ToArray(), counts);
    }

    private void Account(int index, WorldCounts counts)
    {
        var rng = new DemoRandom(plan.Seed, 2L * index);
        var format = new DemoRandom(plan.Seed, 2L * index + 1);
        var profile = AccountProfile.Draw(ref rng, index, plan.Days, plan.StartMs);
        var outcome = _simulator.Simulate(profile, ref rng, plan.Days, plan.StartMs, plan.EndMs);
        long number = index + 1;

        WriteAccount(profile, number);
        counts.Accounts++;
        counts.Conversions += outcome.Converted ? 1 : 0;
        counts.Expansions += outcome.Expanded ? 1 : 0;
        counts.Churned += outcome.Churned ? 1 : 0;

        var users = _simulator.Users;
        for (var u = 0; u < users.Length; u++)
        {
            if (!users[u].Accepted || users[u].CreatedMs >= plan.EndMs)
                continue;
            _users.AppendId((byte)'u', number, u);
            _users.Append((byte)',');
            _users.AppendId((byte)'a', number);
            _users.Append((byte)',');
            _users.AppendTimestamp(users[u].CreatedMs);
            _users.Append((byte)',');
            _users.Append(WorldCatalog.RoleBytes[users[u].Role]);
            _users.Append((byte)',');
            _users.AppendId((byte)'u', number, u);
            _users.Append("@example.test\n"u8);
            counts.Users++;
        }

        var events = _simulator.Events;
        for (var i = 0; i < events.Length; i++)
        {
            var omitAccount = format.Chance(0.12);
            var omitProduct = format.Chance(0.08);
            var start = _events.Length;
            EventRowWriter.Write(_events, events[i], number, i, omitAccount, omitProduct, null, 0);
            counts.EventRows++;
            if (_dirtyPerRow <= 0 || !format.Chance(_dirtyPerRow))
                continue;
            var kind = (DirtyKind)format.Next(5);
            if (kind == DirtyKind.Duplicate)
                _events.Repeat(start, _events.Length - start);
            else
                EventRowWriter.Write(_events, events[i], number, i, omitAccount, omitProduct, kind, format.Next(12));
            counts.EventRows++;
            counts.DirtyRows++;
        }
        counts.CleanEvents += events.Length;
    }

    private void WriteAccount(in AccountProfile p, long number)
    {
        var b = _accounts;
        b.AppendId((byte)'a', number);
        b.Append((byte)',');
        b.AppendTimestamp(p.CreatedMs);
        b.Append((byte)',');
        b.Append(WorldCatalog.Segments[p.Segment]);
        b.Append((byte)',');
        b.Append(p.Employees);
        b.Append((byte)',');
        b.Append(WorldCatalog.Industries[p.Industry]);
        b.Append((byte)',');
        b.Append(WorldCatalog.Countries[p.Country]);
        b.Append((byte)',');
        b.Append(p.PaidAtSignup ? "paid,"u8 : "free,"u8);
        b.Append("rep_"u8);
        if (p.Owner < 10)
            b.Append((byte)'0');
        b.Append(p.Owner);
        b.Append((byte)'\n');
    }
}

/// <summary>Row and outcome counts of a generated world (summed over chunks in order).</summary>
internal sealed class WorldCounts
{
    public int Accounts;
    public int Users;
    public long EventRows;
    public long CleanEvents;
    public long DirtyRows;
    public int Conversions;
    public int Expansions;
    public int Churned;

    public void Add(WorldCounts other)
    {
        Accounts += other.Accounts;
        Users += other.Users;
        EventRows += other.EventRows;
        CleanEvents += other.CleanEvents;
        DirtyRows += other.DirtyRows;
        Conversions += other.Conversions;
        Expansions += other.Expansions;
        Churned += other.Churned;
    }
}
