using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Server.Tests;

/// <summary>Makes a fresh, empty key store per test; a PostgreSQL implementation supplies its own and inherits the contract.</summary>
public interface IApiKeysFactory : IDisposable
{
    IApiKeys Open();

    /// <summary>Every byte the store keeps, to prove the secret is not among them.</summary>
    byte[] RawBytes();
}

/// <summary>What every <see cref="IApiKeys"/> must do.</summary>
public abstract class ApiKeysContract<TFactory> : IDisposable where TFactory : IApiKeysFactory, new()
{
    private readonly TFactory _factory = new();

    protected IApiKeys Keys => _factory.Open();

    [Fact]
    public async Task A_created_key_is_found_by_its_secret_with_its_name_and_role()
    {
        var secret = await Keys.CreateKeyAsync("crm-sync", ApiKeyRole.Write, Actor.Named("alice"));
        var found = await Keys.FindKeyAsync(secret);
        Assert.NotNull(found);
        Assert.Equal("crm-sync", found.Name);
        Assert.Equal(ApiKeyRole.Write, found.Role);
        Assert.Null(await Keys.FindKeyAsync(secret + "0"));
        Assert.Null(await Keys.FindKeyAsync(""));
    }

    [Fact]
    public async Task The_secret_is_stored_only_as_a_hash()
    {
        var secret = await Keys.CreateKeyAsync("rep", ApiKeyRole.Read, Actor.Named("alice"));
        var raw = System.Text.Encoding.Latin1.GetString(_factory.RawBytes());
        Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[12..], raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_no_longer_authenticates_and_its_name_can_be_reused()
    {
        var secret = await Keys.CreateKeyAsync("rep", ApiKeyRole.Read, Actor.Named("alice"));
        await Assert.ThrowsAsync<PqlInputException>(() => Keys.CreateKeyAsync("rep", ApiKeyRole.Admin, Actor.Named("alice")));
        Assert.True(await Keys.RevokeKeyAsync("rep", Actor.Named("alice")));
        Assert.False(await Keys.RevokeKeyAsync("rep", Actor.Named("alice")));
        Assert.Null(await Keys.FindKeyAsync(secret));
        var again = await Keys.CreateKeyAsync("rep", ApiKeyRole.Admin, Actor.Named("alice"));
        Assert.Equal(ApiKeyRole.Admin, (await Keys.FindKeyAsync(again))!.Role);
        Assert.Equal(2, (await Keys.KeysAsync()).Count);
    }

    public void Dispose()
    {
        _factory.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteKeys : IApiKeysFactory
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-keys-").FullName;

    public IApiKeys Open() => SqliteApiKeys.OpenWorkspace(_dir);

    public byte[] RawBytes()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return [.. Directory.GetFiles(_dir).SelectMany(File.ReadAllBytes)];
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

public sealed class SqliteApiKeysContract : ApiKeysContract<SqliteKeys>;
