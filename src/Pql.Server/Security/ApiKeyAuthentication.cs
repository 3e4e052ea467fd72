using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pql.Core.State;
using Pql.Server.Live;

namespace Pql.Server.Security;

/// <summary>
/// <c>Authorization: Bearer pql_...</c>: the secret is looked up by its hash; the key's name becomes the caller's identity and its
/// role the caller's role. The secret is never logged, nor echoed in an answer.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, WorkspaceEngine engine)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("the Authorization header is not a Bearer token");
        var key = await engine.Keys.FindKeyAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (key is null)
            return AuthenticateResult.Fail("unknown or revoked API key");
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, SqliteApiKeys.RoleText(key.Role))], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

/// <summary>The authorization policies: each role includes the ones below it.</summary>
public static class Policies
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    public static string[] RolesFor(string policy) => policy switch
    {
        Read => ["read", "write", "admin"],
        Write => ["write", "admin"],
        _ => ["admin"],
    };

    /// <summary>The actor recorded with a change made through the caller's key.</summary>
    public static Actor ActorOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Actor.ApiKey(user.Identity?.Name ?? "unknown");
    }
}
