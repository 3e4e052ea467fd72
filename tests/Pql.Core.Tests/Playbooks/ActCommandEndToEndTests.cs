using System.Globalization;
using System.Text;
using Pql.Core.State;
using Pql.Core.Tests.State;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks;

/// <summary>
/// Acceptance, end to end through the real CLI on a generated world: <c>pql act</c> twice on unchanged data fires nothing
/// the second time; giving one account a burst of recent multi-product activity moves it into high_touch and fires exactly
/// that account's play, whose reason names the drivers that moved. The rules model is pinned so more adoption means a higher score.
/// </summary>
public sealed class ActCommandEndToEndTests : IDisposable
{
    private const string AsOf = "2026-10-31";
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-e2e-").FullName;
    private readonly WebhookFake _fake = new("whsec-e2e");
    private readonly Dictionary<string, string> _env = new() { ["PQL_E2E_WH"] = "whsec-e2e" };

    public void Dispose()
    {
        _fake.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Pql(params string[] args)
    {
        var output = new List<string>();
        using var p = PqlCliProcess.Start(_env, output, args);
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(120)), $"pql {args[0]} did not finish");
        p.WaitForExit();
        lock (output)
        {
            var text = string.Join('\n', output);
            Assert.True(p.ExitCode == 0, $"pql {string.Join(' ', args)} exited {p.ExitCode}: {text}");
            return text;
        }
    }

    [Fact]
    public void Act_fires_nothing_on_unchanged_data_and_exactly_the_changed_accounts_play_after_its_events_change()
    {
        var world = Path.Combine(_dir, "world");
        Pql("generate", "--accounts", "300", "--days", "90", "--out", world);
        E2eWorld.WriteConfig(world, _fake.BaseUrl + WebhookFake.Path);
        File.WriteAllText(Path.Combine(world, "extra.csv"), "timestamp,event,user_id,account_id,product,event_id,properties\n");
        Pql("train", "--workspace", world, "--goal", "conversion");

        Pql("act", "--workspace", world, "--goal", "conversion", "--as-of", AsOf);
        var unchanged = Pql("act", "--workspace", world, "--goal", "conversion", "--as-of", AsOf);
        var account = TopAssisted(world);
        AddRecentActivity(world, account);
        var changed = Pql("act", "--workspace", world, "--goal", "conversion", "--as-of", AsOf);

        Assert.Contains("0 trigger(s) fired, 0 action(s) queued", unchanged);
        Assert.Contains("1 trigger(s) fired, 1 action(s) queued", changed);
        Assert.Contains($"entered_high_touch -> handoff: {account} entered tier high_touch from assisted", changed);
        Assert.Contains("drivers moved: ", changed);
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(world, ".pql"));
        var last = store.TriggerLog("conversion", store.Runs("conversion")[^1].RunId);
        Assert.Equal(account, Assert.Single(last).EntityId);
        Assert.Equal(store.OutboxCounts()[OutboxStatus.Delivered], _fake.Applied.Count);
    }

    /// <summary>The assisted account closest to high_touch in the latest run.</summary>
    private static string TopAssisted(string world)
    {
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(world, ".pql"));
        var run = store.LoadRun(store.Runs("conversion")[^1].RunId)!;
        return run.Rows.Where(r => r.Tier == "assisted").OrderByDescending(r => r.Score).First().EntityId;
    }

    /// <summary>Two weeks of daily activity across every product, with an integration and invites, for each of the account's users.</summary>
    private static void AddRecentActivity(string world, string account)
    {
        var users = File.ReadLines(Path.Combine(world, "users.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[1] == account).Select(f => f[0]).ToList();
        string[] events = ["doc_created", "sheet_created", "workflow_created", "message_sent", "integration_added", "user_invited"];
        var sb = new StringBuilder();
        var n = 0;
        for (var day = 17; day <= 30; day++)
        {
            foreach (var user in users)
            {
                foreach (var e in events)
                    sb.Append(CultureInfo.InvariantCulture, $"2026-10-{day:D2}T10:{n % 60:D2}:00Z,{e},{user},{account},,extra{n++},\n");
            }
        }
        File.AppendAllText(Path.Combine(world, "extra.csv"), sb.ToString());
    }
}
