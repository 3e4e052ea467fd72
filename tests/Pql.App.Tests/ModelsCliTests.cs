using Pql.Core.State;

namespace Pql.App.Tests;

public sealed class ModelsCliTests : IDisposable
{
    private readonly CliWorkspace _ws = new("pql-cli-models-");

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_waiting_version_is_refused_to_its_trainer_promoted_by_another_and_rolled_back_in_one_command()
    {
        using (var store = SqliteStateStore.OpenWorkspace(_ws.StateDirectory))
        {
            var trainer = Actor.Named("alice");
            await store.RegisterModelAsync(new ModelRecord("conversion", "v1", "gbdt", "m1.json", "{}", 1), trainer);
            await store.RegisterModelAsync(new ModelRecord("conversion", "v2", "gbdt", "m2.json", "{}", 2), trainer, makeCurrent: false);
            await store.RequestPromotionAsync("conversion", "v2", "metric fell 0.02", trainer);
        }

        var own = _ws.Run("models", "promote", "--goal", "conversion", "--version", "v2", "--by", "alice");
        var other = _ws.Run("models", "promote", "--goal", "conversion", "--version", "v2", "--by", "bob");
        var back = _ws.Run("models", "rollback", "--goal", "conversion", "--by", "bob");
        var verify = _ws.Run("audit", "verify");

        Assert.Equal(2, own.Code);
        Assert.Contains("cannot approve", own.Err, StringComparison.Ordinal);
        Assert.Equal(0, other.Code);
        Assert.Matches(@"v2 .* current", other.Out);
        Assert.Equal(0, back.Code);
        Assert.Matches(@"v1 .* current", back.Out);
        Assert.Contains("audit trail intact", verify.Out, StringComparison.Ordinal);
    }
}
