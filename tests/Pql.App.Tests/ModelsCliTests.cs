using Pql.Core.State;

namespace Pql.App.Tests;

public sealed class ModelsCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-cli-models-").FullName;

    public ModelsCliTests()
    {
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at\na1,2024-01-01\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,account_id\n2024-01-02,login,a1\n");
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), """
            data: { accounts: accounts.csv, events: events.csv }
            goals:
              conversion: { achieved_when: { event: subscription_started }, horizon: 30d }
            """);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_waiting_version_is_refused_to_its_trainer_promoted_by_another_and_rolled_back_in_one_command()
    {
        using (var store = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql")))
        {
            var trainer = Actor.Named("alice");
            await store.RegisterModelAsync(new ModelRecord("conversion", "v1", "gbdt", "m1.json", "{}", 1), trainer);
            await store.RegisterModelAsync(new ModelRecord("conversion", "v2", "gbdt", "m2.json", "{}", 2), trainer, makeCurrent: false);
            await store.RequestPromotionAsync("conversion", "v2", "metric fell 0.02", trainer);
        }

        var (own, ownErr) = Run("promote", "--version", "v2", "--by", "alice");
        var (other, listed) = Run("promote", "--version", "v2", "--by", "bob");
        var (back, rolled) = Run("rollback", "--by", "bob");
        var (_, verify) = Run2("audit", "verify");

        Assert.Equal(2, own);
        Assert.Contains("cannot approve", ownErr, StringComparison.Ordinal);
        Assert.Equal(0, other);
        Assert.Contains("v2  gbdt", listed, StringComparison.Ordinal);
        Assert.Matches(@"v2 .* current", listed);
        Assert.Equal(0, back);
        Assert.Matches(@"v1 .* current", rolled);
        Assert.Contains("audit trail intact", verify, StringComparison.Ordinal);
    }

    private (int Code, string Text) Run(string sub, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Pql.Cli.CliApp.Run(["models", sub, "--workspace", _dir, "--goal", "conversion", .. more], output, error);
        return (code, code == 0 ? output.ToString() : error.ToString());
    }

    private (int Code, string Text) Run2(string command, string sub)
    {
        var output = new StringWriter();
        var code = Pql.Cli.CliApp.Run([command, sub, "--workspace", _dir], output, new StringWriter());
        return (code, output.ToString());
    }
}
