using System.Text;
using System.Text.Json;
using Pql.Core.Events;
using Pql.Core.Scoring;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Application;

public sealed record ExportRequest(string Workspace, string OutDirectory) : UseCaseRequest(Workspace);

public sealed record ExportResult(string OutDirectory, int Accounts, int Users, int Events);

/// <summary>
/// Writes a loaded workspace back out in the data contract's plain layout (accounts.csv, users.csv, events.csv and a
/// pql.yaml naming them, with the same goals, products, training, features and tiers sections), so tools that read only
/// the contract (../shared/peers/notebook_peer.py) can work on a workspace whose own files need table maps, column
/// mappings or lookups. What is written is what pql loaded: rejected and deduplicated rows are gone, users resolved to
/// accounts, products resolved; event properties are those the load kept (the keys a goal or feature reads).
/// </summary>
public static class ExportService
{
    private static readonly string[] CopiedSections = ["products", "goals", "training", "event_kinds", "features", "tiers", "rules"];

    public static ExportResult Export(ExportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, log: request.Log);
        var store = session.Load.Store;
        var outDir = Path.GetFullPath(request.OutDirectory);
        if (Path.GetFullPath(session.Config.Directory).TrimEnd('/') == outDir.TrimEnd('/'))
            throw new PqlInputException($"--out: {outDir} is the workspace itself; export to another folder");
        Directory.CreateDirectory(outDir);
        WriteAccounts(store, Path.Combine(outDir, "accounts.csv"));
        WriteUsers(store, Path.Combine(outDir, "users.csv"));
        WriteEvents(store, Path.Combine(outDir, "events.csv"));
        WriteConfig(session.Config, Path.Combine(outDir, "pql.yaml"));
        return new ExportResult(outDir, store.AccountCount, store.UserCount, store.EventCount);
    }

    private static void WriteAccounts(EventStore store, string path)
    {
        using var w = Writer(path);
        Header(w, ["account_id", "created_at", .. store.AccountAttributes.Select(c => c.Name)]);
        for (var a = 0; a < store.AccountCount; a++)
        {
            var attrs = EntityAttributes.Of(store, EntityKind.Account, a);
            Row(w, [store.AccountIds[a], Timestamps.Format(store.AccountCreatedAt[a]), .. store.AccountAttributes.Select(c => attrs.GetValueOrDefault(c.Name, ""))]);
        }
    }

    private static void WriteUsers(EventStore store, string path)
    {
        using var w = Writer(path);
        Header(w, ["user_id", "account_id", "created_at", .. store.UserAttributes.Select(c => c.Name)]);
        for (var u = 0; u < store.UserCount; u++)
        {
            var attrs = EntityAttributes.Of(store, EntityKind.User, u);
            Row(w, [store.UserIds[u], store.AccountIds[store.UserAccount[u]], Timestamps.Format(store.UserCreatedAt[u]),
                .. store.UserAttributes.Select(c => attrs.GetValueOrDefault(c.Name, ""))]);
        }
    }

    private static void WriteEvents(EventStore store, string path)
    {
        using var w = Writer(path);
        var keys = store.Properties.Values.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        Header(w, keys.Length > 0 ? ["timestamp", "event", "account_id", "user_id", "product", "properties"] : ["timestamp", "event", "account_id", "user_id", "product"]);
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var e = 0; e < store.EventCount; e++)
        {
            var user = store.EventUser[e];
            var product = store.EventProduct[e];
            string[] fields = [Timestamps.Format(store.EventTime[e]), store.EventNames[store.EventName[e]], store.AccountIds[store.EventAccount[e]],
                user < 0 ? "" : store.UserIds[user], product < 0 ? "" : store.Products[product]];
            if (keys.Length == 0)
            {
                Row(w, fields);
                continue;
            }
            props.Clear();
            foreach (var p in keys)
            {
                var code = p.CodeOf(e);
                if (code >= 0)
                    props[p.Key] = p.Values[code];
            }
            Row(w, [.. fields, props.Count == 0 ? "" : JsonSerializer.Serialize(props)]);
        }
    }

    /// <summary>A pql.yaml naming the exported files, with the original's goal-related sections copied node for node.</summary>
    private static void WriteConfig(WorkspaceConfig config, string path)
    {
        var root = new YamlMappingNode
        {
            { "data", new YamlMappingNode { { "accounts", "accounts.csv" }, { "users", "users.csv" }, { "events", "events.csv" } } },
        };
        var original = new YamlStream();
        using (var reader = new StreamReader(config.ConfigPath))
            original.Load(reader);
        if (original.Documents.Count > 0 && original.Documents[0].RootNode is YamlMappingNode source)
        {
            foreach (var name in CopiedSections)
            {
                if (YamlConfigReader.Child(source, name) is { } section)
                    root.Add(name, section);
            }
        }
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.WriteLine($"# Exported by pql export from {config.ConfigPath}: the loaded data in the contract's layout.");
        new YamlStream(new YamlDocument(root)).Save(w, assignAnchors: false);
    }

    private static StreamWriter Writer(string path) => new(path, false, new UTF8Encoding(false), 1 << 16);

    private static void Header(StreamWriter w, string[] names) => Row(w, names);

    private static void Row(StreamWriter w, string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
                w.Write(',');
            var s = fields[i];
            w.Write(s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
        }
        w.Write('\n');
    }
}
