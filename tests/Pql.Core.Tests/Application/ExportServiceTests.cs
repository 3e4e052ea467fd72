using Pql.Core.Application;
using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Application;

/// <summary>
/// <c>pql export</c> writes what pql loaded in the contract's plain layout: loading the export must give the same store,
/// rows the load rejected or deduplicated must not come back, and the files must have the contract's column order.
/// </summary>
public sealed class ExportServiceTests : IDisposable
{
    private readonly TestWorkspace _ws = new();
    private readonly string _out = Directory.CreateTempSubdirectory("pql-export-").FullName;

    public void Dispose()
    {
        _ws.Dispose();
        Directory.Delete(_out, recursive: true);
    }

    // Column mappings, a products map and a property a goal reads: the export must resolve all of them.
    private const string Yaml = """
        data:
          accounts: accounts.csv
          users: users.csv
          events: events.csv
          max_reject_share: 0.5
        products:
          docs: [doc_created, doc_shared]
        goals:
          expansion:
            achieved_when: { event: seats_added, where: { plan: paid } }
            horizon: 30d
        training:
          cutoffs: 3
        """;

    private void WriteWorkspace()
    {
        _ws.File("accounts.csv", "account_id,created_at,segment,employees\nacme,2026-01-01,enterprise,500\n" +
            "beta,2026-01-05T10:00:00+02:00,\"smb, \"\"small\"\"\",12\ngamma,2026-01-07,,\n");
        _ws.File("users.csv", "user_id,account_id,created_at,role\nu1,acme,2026-01-01,admin\nu2,acme,2026-01-02,member\nu3,beta,2026-01-05,admin\n");
        _ws.File("events.csv", """
            timestamp,event,user_id,account_id,product,event_id,properties
            2026-02-01T10:00:00Z,doc_created,u1,,,e1,
            2026-02-01T09:00:00+01:00,doc_shared,u2,,,e2,"{""to"":""x""}"
            2026-02-02,login,,beta,web,e3,
            2026-02-03T00:00:00Z,seats_added,u3,,,e4,"{""plan"":""paid"",""seats"":3}"
            2026-02-01T10:00:00Z,doc_created,u1,,,e1,
            03/01/26,doc_created,u1,,,bad1,
            2026-02-04,doc_created,ghost,,,bad2,
            2026-02-05,seats_added,,gamma,,e5,"{""plan"":""free""}"
            """);
        _ws.File("pql.yaml", Yaml);
    }

    private ExportResult Export() => ExportService.Export(new ExportRequest(_ws.Dir, _out));

    [Fact]
    public void Export_then_load_gives_the_same_store()
    {
        WriteWorkspace();
        var (original, _) = WorkspaceLoader.Load(ConfigLoader.Load(_ws.Dir));

        var result = Export();
        var (exported, report) = WorkspaceLoader.Load(ConfigLoader.Load(_out));

        Assert.Equal((3, 3, 5), (result.Accounts, result.Users, result.Events));
        Assert.Equal(0, report.Files.Sum(f => f.Rejected + f.Duplicates));
        Assert.Equal(Accounts(original), Accounts(exported));
        Assert.Equal(Users(original), Users(exported));
        Assert.Equal(Events(original), Events(exported));
        Assert.Equal(original.AccountAttributes.Select(c => (c.Name, c.Kind)), exported.AccountAttributes.Select(c => (c.Name, c.Kind)));
    }

    [Fact]
    public void Export_keeps_the_goal_sections_so_the_exported_workspace_has_the_same_goals_and_training()
    {
        WriteWorkspace();
        var original = ConfigLoader.Load(_ws.Dir);

        Export();
        var exported = ConfigLoader.Load(_out);

        Assert.Equal(original.Goals.Select(g => g.Name), exported.Goals.Select(g => g.Name));
        Assert.Equal(original.Training.Cutoffs, exported.Training.Cutoffs);
        Assert.Equal(["accounts.csv", "users.csv", "events.csv"], new[] { exported.Data.Accounts!.Pattern, exported.Data.Users!.Pattern, exported.Data.Events.Single().Pattern });
    }

    [Fact]
    public void Export_leaves_out_rejected_and_duplicate_rows()
    {
        WriteWorkspace();

        Export();

        var events = File.ReadAllLines(Path.Combine(_out, "events.csv"));
        Assert.Equal(1 + 5, events.Length); // header + the five distinct valid events of eight rows
        Assert.DoesNotContain(events, l => l.Contains("ghost", StringComparison.Ordinal) || l.Contains("03/01/26", StringComparison.Ordinal));
        Assert.Single(events, l => l.Contains(",doc_created,", StringComparison.Ordinal));
        Assert.DoesNotContain("ghost", File.ReadAllText(Path.Combine(_out, "users.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_writes_the_contract_columns_first_then_attributes_in_source_order()
    {
        WriteWorkspace();

        Export();

        Assert.Equal("account_id,created_at,segment,employees", FirstLine("accounts.csv"));
        Assert.Equal("user_id,account_id,created_at,role", FirstLine("users.csv"));
        Assert.Equal("timestamp,event,account_id,user_id,product,properties", FirstLine("events.csv"));
        // Resolved on export: the account of a user-only event, the product from the products map, times in UTC.
        Assert.Contains("2026-02-01T08:00:00Z,doc_shared,acme,u2,docs,", File.ReadAllText(Path.Combine(_out, "events.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_into_the_workspace_itself_is_refused()
    {
        WriteWorkspace();
        var before = File.ReadAllText(_ws.PathOf("events.csv"));

        var error = Assert.Throws<PqlInputException>(() => ExportService.Export(new ExportRequest(_ws.Dir, _ws.Dir + "/")));

        Assert.StartsWith("--out:", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(_ws.PathOf("events.csv"))); // the source files are not overwritten
    }

    private string FirstLine(string file) => File.ReadLines(Path.Combine(_out, file)).First();

    private static List<string> Accounts(EventStore s) => Enumerable.Range(0, s.AccountCount)
        .Select(a => $"{s.AccountIds[a]}|{s.AccountCreatedAt[a]}|{Attributes(s, EntityKind.Account, a)}").ToList();

    private static List<string> Users(EventStore s) => Enumerable.Range(0, s.UserCount)
        .Select(u => $"{s.UserIds[u]}|{s.AccountIds[s.UserAccount[u]]}|{s.UserCreatedAt[u]}|{Attributes(s, EntityKind.User, u)}").ToList();

    private static List<string> Events(EventStore s) => Enumerable.Range(0, s.EventCount)
        .Select(e => $"{s.EventTime[e]}|{s.EventNames[s.EventName[e]]}|{s.AccountIds[s.EventAccount[e]]}|" +
            $"{(s.EventUser[e] < 0 ? "" : s.UserIds[s.EventUser[e]])}|{(s.EventProduct[e] < 0 ? "" : s.Products[s.EventProduct[e]])}|" +
            string.Join(";", s.Properties.Values.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => p.CodeOf(e) is var c and >= 0 ? $"{p.Key}={p.Values[c]}" : ""))).ToList();

    private static string Attributes(EventStore s, EntityKind kind, int entity) =>
        string.Join(";", EntityAttributes.Of(s, kind, entity).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
