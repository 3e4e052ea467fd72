namespace Pql.Core.State;

/// <summary>What an API key may do: read scores, also write (ingest), or also administer (keys, connectors).</summary>
public enum ApiKeyRole
{
    Read = 0,
    Write = 1,
    Admin = 2,
}

/// <summary>A stored API key without its secret: the name is the identity recorded with every change made through it.</summary>
public sealed record ApiKeyRecord(string Name, ApiKeyRole Role, string Prefix, long CreatedMs, long? RevokedMs);

/// <summary>
/// The server's API keys. Only a hash of each secret is kept (SHA-256 of a 256-bit random secret: no salt or slow hash is needed
/// for secrets that are not chosen by people); the secret is returned once, when the key is created.
/// </summary>
public interface IApiKeys
{
    /// <summary>Creates a key and returns its secret (the only time it is available). Throws when an active key has that name.</summary>
    Task<string> CreateKeyAsync(string name, ApiKeyRole role, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>The active key whose secret this is, or null.</summary>
    Task<ApiKeyRecord?> FindKeyAsync(string secret, CancellationToken cancellationToken = default);

    /// <summary>Revokes the active key of that name; false when there is none.</summary>
    Task<bool> RevokeKeyAsync(string name, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Every key, active and revoked, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> KeysAsync(CancellationToken cancellationToken = default);
}
