using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>
/// Config changes go to the audit trail: a command that acts on the workspace compares pql.yaml's SHA-256 with the hash of the last
/// <c>config_changed</c> entry and, when they differ, appends one entry naming the new hash and what changed (sections added, removed or
/// edited, with line counts). The text last audited is kept beside the state (<c>.pql/audited-config.yaml</c>) for the next comparison;
/// the audit entry, not that copy, decides whether the config changed, so deleting the copy only shortens the next summary.
/// </summary>
public static class ConfigAudit
{
    public const string Action = "config_changed";

    private const string CopyName = "audited-config.yaml";

    /// <summary>Appends a <c>config_changed</c> entry when pql.yaml differs from the last audited one; returns it, or null when unchanged.</summary>
    public static async Task<AuditEntry?> RecordIfChangedAsync(WorkspaceConfig config, IStateStore state, Actor by, TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(by);
        var text = await File.ReadAllTextAsync(config.ConfigPath, cancellationToken).ConfigureAwait(false);
        var hash = Hash(text);
        var copy = Path.Combine(config.StateDirectory, CopyName);
        var previous = File.Exists(copy) ? await File.ReadAllTextAsync(copy, cancellationToken).ConfigureAwait(false) : null;
        var at = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        // Decided inside the store's write transaction, so two commands started together after an edit record it once.
        var entry = await state.AppendAuditAfterLastAsync(Action, last => Next(last, text, hash, previous) is { } detail
            ? new AuditEntry(at, by.ToString(), Action, detail)
            : null, cancellationToken).ConfigureAwait(false);
        if (entry is null)
            return null;
        Directory.CreateDirectory(config.StateDirectory);
        await File.WriteAllTextAsync(copy, text, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <summary>The detail of the entry to append after <paramref name="last"/>, or null when the config is the one it audited.</summary>
    private static string? Next(AuditEntry? last, string text, string hash, string? previous)
    {
        var lastHash = last is null ? null : HashOf(last.Detail);
        if (lastHash == hash)
            return null;
        var summary = lastHash is null ? $"first audited config ({Sections(text).Count} sections)"
            : previous is not null && Hash(previous) == lastHash ? Summary(previous, text)
            : $"changed from sha256 {lastHash[..12]} (its text is not kept here)";
        return $"sha256 {hash}: {summary}";
    }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The hash an entry's detail starts with (<c>sha256 HEX: summary</c>).</summary>
    private static string? HashOf(string detail)
    {
        const string Prefix = "sha256 ";
        var end = detail.IndexOf(':', StringComparison.Ordinal);
        return detail.StartsWith(Prefix, StringComparison.Ordinal) && end > Prefix.Length ? detail[Prefix.Length..end] : null;
    }

    /// <summary>Which top-level sections were added, removed or edited, e.g. <c>edited training (+1 -1 lines); added overrides</c>.</summary>
    public static string Summary(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var (old, now) = (Sections(before), Sections(after));
        var parts = new List<string>();
        var edited = new List<string>();
        foreach (var (name, lines) in now)
        {
            if (!old.TryGetValue(name, out var was))
                continue;
            var (added, removed) = LineChanges(was, lines);
            if (added + removed > 0)
                edited.Add(string.Create(CultureInfo.InvariantCulture, $"{name} (+{added} -{removed} lines)"));
        }
        if (edited.Count > 0)
            parts.Add("edited " + string.Join(", ", edited));
        if (now.Keys.Where(k => !old.ContainsKey(k)).ToList() is { Count: > 0 } addedSections)
            parts.Add("added " + string.Join(", ", addedSections));
        if (old.Keys.Where(k => !now.ContainsKey(k)).ToList() is { Count: > 0 } removedSections)
            parts.Add("removed " + string.Join(", ", removedSections));
        return parts.Count > 0 ? string.Join("; ", parts) : "comments or layout only";
    }

    /// <summary>The lines under each top-level key (a line starting at column 0 with <c>key:</c>), in file order; comments and blank lines dropped.</summary>
    private static Dictionary<string, List<string>> Sections(string text)
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var current = new List<string>();
        sections["(top)"] = current;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
                continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (!char.IsWhiteSpace(line[0]) && line[0] != '-' && colon > 0)
            {
                current = [];
                sections[line[..colon]] = current;
            }
            current.Add(line);
        }
        if (sections["(top)"].Count == 0)
            sections.Remove("(top)");
        return sections;
    }

    /// <summary>Lines only in the new version and lines only in the old one, as multisets (a moved line is not a change).</summary>
    private static (int Added, int Removed) LineChanges(List<string> before, List<string> after)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var l in before)
            counts[l] = counts.GetValueOrDefault(l) + 1;
        var added = 0;
        foreach (var l in after)
        {
            if (counts.GetValueOrDefault(l) > 0)
                counts[l]--;
            else
                added++;
        }
        return (added, counts.Values.Sum());
    }
}
