using System.CommandLine;
using System.Globalization;
using Pql.Core.Application;

namespace Pql.Cli.Commands;

/// <summary><c>pql bench features</c>: time loading and the full feature matrix on a large world, against the pandas peer.</summary>
internal static class BenchFeaturesCommand
{
    /// <summary>The <c>features</c> subcommand of <c>pql bench</c>.</summary>
    public static Command Create()
    {
        var events = new Option<long>("--events") { Description = "Events in the synthetic world (default 10,000,000).", DefaultValueFactory = _ => 10_000_000 };
        var accounts = new Option<int?>("--accounts") { Description = "Accounts of the generated world (default: events / 136, the generator's mean)." };
        var cutoffs = new Option<int>("--cutoffs") { Description = "Cutoffs, 30 days apart, ending at the last event (default 6).", DefaultValueFactory = _ => 6 };
        var workspace = new Option<string?>("--workspace", "-w") { Description = "Benchmark this workspace instead of a generated one." };
        var synthetic = new Option<bool>("--synthetic") { Description = "Build a synthetic store in memory instead of loading files (no load time, no peer)." };
        var threads = new Option<int>("--threads") { Description = "Threads for the feature build (default: all cores).", DefaultValueFactory = _ => -1 };
        var families = new Option<string>("--families") { Description = "Feature families to build, comma-separated (default all).", DefaultValueFactory = _ => "all" };
        var peer = new Option<bool>("--peer") { Description = "Run the pandas peer on the same events file and cutoffs (workspace only; default true).", DefaultValueFactory = _ => true };
        var features = new Command("features",
            "Time the load and the full feature matrix (all families, every account at each cutoff) on a world written by\n" +
            "pql generate (kept in the temp folder and reused), then run the pandas peer (" + PandasPeer.Script + ")\n" +
            "on the same file and cutoffs and print the ratio.\n" +
            "Example: pql bench features --events 10000000 --cutoffs 6")
        {
            events, accounts, cutoffs, workspace, synthetic, threads, families, peer,
        };
        CliApp.SetHandler(features, (parse, ctx) =>
        {
            var result = BenchFeaturesService.Run(new BenchFeaturesRequest
            {
                Events = parse.GetValue(events),
                Accounts = parse.GetValue(accounts),
                Cutoffs = parse.GetValue(cutoffs),
                Workspace = parse.GetValue(workspace),
                Synthetic = parse.GetValue(synthetic),
                Threads = parse.GetValue(threads),
                Families = parse.GetValue(families)!,
                Peer = parse.GetValue(peer),
                Log = ctx.Log,
            });
            Render(result, ctx.Out);
            return 0;
        });
        return features;
    }

    /// <summary>The generated world for this many accounts in the temp folder, written once and reused (pql bench ingest reads it too).</summary>
    internal static string EnsureWorld(int accounts, CliContext ctx)
    {
        var world = BenchWorld.Ensure(accounts, ctx.Log);
        ctx.Out.WriteLine(world.Line);
        return world.Directory;
    }

    private static void Render(BenchFeaturesResult r, TextWriter o)
    {
        if (r.World is { } world)
            o.WriteLine(world.Line);
        var s = r.Store;
        if (r.LoadSeconds is { } load)
        {
            o.WriteLine(Inv($"workspace {s.WorkspaceDirectory}: {s.Events:N0} events, {s.Accounts:N0} accounts, {s.Users:N0} users"));
            o.WriteLine(Inv($"load: {load:F2} s wall, {r.LoadCpuSeconds:F2} s CPU ({s.Events / load:N0} events/s)"));
        }
        else
        {
            o.WriteLine(Inv($"synthetic in-memory world: {s.Events:N0} events, {s.Accounts:N0} accounts, {s.Users:N0} users"));
            o.WriteLine(Inv($"load: n/a (generated in memory in {r.SyntheticSeconds:F2} s; pass --workspace to time a file load)"));
        }
        o.WriteLine(Inv($"features: {r.Rows:N0} rows x {r.Columns} columns ({r.Cutoffs} cutoffs, {r.Families}) in {r.FeatureSeconds:F2} s wall, {r.FeatureCpuSeconds:F2} s CPU ({r.Rows / r.FeatureSeconds:N0} rows/s, {Environment.ProcessorCount} cores)"));
        o.WriteLine(Inv($"peak memory: {r.PeakMemoryMb:N0} MB; event store: {s.BytesPerEvent:F1} bytes/event"));
        if (r.Peer is { } peer)
            RenderPeer(peer, r, o);
    }

    private static void RenderPeer(PandasPeerRun peer, BenchFeaturesResult r, TextWriter o)
    {
        if (peer.NotRun is { } why)
        {
            o.WriteLine("pandas peer: " + why);
            return;
        }
        if (peer.Shimmed)
            o.WriteLine("pandas peer: pandas < 2.0 ignores format=\"ISO8601\" as a literal format and drops every row, so the run drops that argument (pandas 1.x parses ISO 8601 by default)");
        var total = peer.LoadSeconds + peer.FeatureSeconds;
        o.WriteLine(Inv($"pandas peer: load {peer.LoadSeconds:F2} s + features {peer.FeatureSeconds:F2} s = {total:F2} s ({peer.Rows:N0} rows x {peer.Columns} columns)"));
        o.WriteLine(Inv($"pql load + features: {r.OursWallSeconds:F2} s; pandas / pql = {total / r.OursWallSeconds:F1}x wall (target >= 10x)"));
        if (peer.CpuSeconds is { } cpu)
            o.WriteLine(Inv($"CPU seconds: pandas {cpu:F1} s, pql load + features {r.OursCpuSeconds:F1} s; pandas / pql = {cpu / r.OursCpuSeconds:F1}x"));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
