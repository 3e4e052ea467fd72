using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Resolves <c>${ENV_VAR}</c> references in connector settings at send time and remembers every value it resolved,
/// so <see cref="Redact"/> can scrub them from any text bound for a log, an outbox row or an error message.
/// </summary>
public sealed partial class SecretResolver(Func<string, string?>? environment = null)
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;
    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();

    /// <summary>The value with each reference replaced; throws <see cref="MissingSecretException"/> (naming the variable only) when unset.</summary>
    public string Resolve(string connector, string setting, string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return Reference().Replace(raw, m =>
        {
            var name = m.Groups[1].Value;
            var value = _environment(name);
            if (string.IsNullOrEmpty(value))
                throw new MissingSecretException($"connector '{connector}' setting '{setting}': environment variable {name} is not set");
            Remember(value);
            return value;
        });
    }

    /// <summary>Marks a derived value (an OAuth token, a Basic credential) as secret too.</summary>
    public void Remember(string value)
    {
        if (value.Length >= 4)
            _secrets.TryAdd(value, 0);
    }

    /// <summary>The text with every secret value seen so far replaced by <c>***</c>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        foreach (var secret in _secrets.Keys.OrderByDescending(s => s.Length))
        {
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            var escaped = Uri.EscapeDataString(secret);
            if (escaped != secret && text.Contains(escaped, StringComparison.Ordinal))
                text = text.Replace(escaped, "***", StringComparison.Ordinal);
        }
        return text;
    }
}

/// <summary>A connector setting references an environment variable that is not set. The message names the variable, never a value.</summary>
public sealed class MissingSecretException(string message) : Exception(message);
