using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pql.Core.State;

/// <summary>
/// The hash that links an audit entry to the one before it: SHA-256 (lower-case hex) over the previous hash and the entry's
/// fields, each field prefixed with its length so no two different entries serialise alike. The first entry's previous hash
/// is <see cref="Genesis"/>. Any store computes the same hashes, so a chain can move between stores and still verify.
/// </summary>
public static class AuditHash
{
    /// <summary>The previous hash of the first entry: 64 zeros.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string Compute(string previousHash, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(entry);
        var text = new StringBuilder();
        Append(text, previousHash);
        Append(text, entry.AtMs.ToString(CultureInfo.InvariantCulture));
        Append(text, entry.Actor);
        Append(text, entry.Action);
        Append(text, entry.Detail);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Append(StringBuilder text, string field) =>
        text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
}
