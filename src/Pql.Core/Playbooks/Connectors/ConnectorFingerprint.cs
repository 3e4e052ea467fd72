using System.Security.Cryptography;
using System.Text;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// The hash a credentials pause is stored with. It covers kind, setting names, raw values and resolved values, so editing
/// pql.yaml or changing the environment variable a secret comes from both count as a change. Only 12 hex digits of a SHA-256 are
/// kept: enough to tell configs apart, too few to say anything about a secret.
/// </summary>
public static class ConnectorFingerprint
{
    public static string Of(ConnectorConfig config, SecretResolver secrets)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(secrets);
        var text = new StringBuilder(config.Kind).Append('\n');
        foreach (var (name, raw) in config.Settings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string resolved;
            try
            {
                resolved = secrets.Resolve(config.Name, name, raw);
            }
            catch (MissingSecretException)
            {
                resolved = "\0unset";
            }
            text.Append(name).Append('=').Append(raw).Append('\0').Append(resolved).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..12];
    }
}
