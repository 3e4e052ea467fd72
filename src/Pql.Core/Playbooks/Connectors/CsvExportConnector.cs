using System.Globalization;
using System.Text;
using Pql.Core.State;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Appends tier-list rows to a CSV file in the workspace (<c>action_id,goal,entity_id,tier,score,owner,channel,message</c>),
/// for any system without a connector. The action id column makes a replay a no-op: a row already present is not appended again.
/// </summary>
public sealed class CsvExportConnector(ConnectorConfig config, ConnectorContext context) : IConnector
{
    public string Fingerprint() => ConnectorFingerprint.Of(config, context.Secrets);

    private const string Header = "action_id,goal,entity_id,tier,score,owner,channel,message";
    private HashSet<string>? _exported;
    private string? _exportedPath;

    public string Name => config.Name;

    public Task<DeliveryResult> SendAsync(OutboxAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var p = new ActionPayload(action);
        var path = Path.GetFullPath(Path.Combine(context.WorkspaceDirectory, context.Secrets.Resolve(Name, "path", config.Settings["path"])));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (_exported is null || _exportedPath != path)
            {
                // Read once per connector: the ids already in the file (a row written before a crash counts as sent).
                _exported = File.Exists(path)
                    ? [.. File.ReadLines(path).Skip(1).Select(l => l.Split(',', 2)[0])]
                    : [];
                _exportedPath = path;
            }
            if (_exported.Contains(p.Id))
                return Task.FromResult(DeliveryResult.Ok($"{Name}: row {p.Id} already exported"));
            var line = string.Join(',', p.Id, Field(p.Goal), Field(p.EntityId), Field(p.Tier), p.Score.ToString("0.####", CultureInfo.InvariantCulture),
                Field(p.Owner ?? ""), Field(p.Channel ?? ""), Field(p.Message));
            var text = File.Exists(path) ? line + "\n" : Header + "\n" + line + "\n";
            File.AppendAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            _exported.Add(p.Id);
            return Task.FromResult(DeliveryResult.Ok($"{Name}: row appended to {Path.GetFileName(path)}"));
        }
        catch (IOException ex)
        {
            return Task.FromResult(new DeliveryResult(DeliveryOutcome.Retry, $"{Name}: {ex.Message}"));
        }
    }

    /// <summary>
    /// A CSV cell. Text starting with <c>= + - @</c>, tab or CR is what a spreadsheet runs as a formula (OWASP "CSV injection"): it
    /// gets a leading <c>'</c>, so it is shown as text. Then quoted when it holds a comma, quote or line break.
    /// </summary>
    internal static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
