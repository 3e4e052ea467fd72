using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// The Salesforce OAuth flows for a server: <c>client_credentials</c> (client id and secret, against the org's My Domain URL)
/// and <c>jwt_bearer</c> (a JWT signed RS256 with the connected app's private key: iss = client id, sub = username,
/// aud = login URL, exp = now + 3 min). Both POST to <c>{login_url}/services/oauth2/token</c>; the answer carries
/// <c>instance_url</c>, which the connector then calls.
/// </summary>
internal static class SalesforceAuth
{
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>A compact JWS: base64url(header).base64url(claims).base64url(RS256 signature).</summary>
    public static string Assertion(string clientId, string username, string audience, DateTimeOffset now, string privateKeyPem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        var header = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"RS256","typ":"JWT"}"""));
        var claims = Base64Url(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = username,
            ["aud"] = audience,
            ["exp"] = now.AddMinutes(3).ToUnixTimeSeconds(),
        }.ToJsonString()));
        var signed = $"{header}.{claims}";
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url(signature)}";
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
