using System.Text.Json;
using System.Text.Json.Nodes;
using Pql.Core.Scoring;

namespace Pql.Core.State;

/// <summary>JSON forms of drivers and attributes as stored in the state file (snake_case keys, invariant numbers).</summary>
internal static class StateJson
{
    public static string Drivers(IReadOnlyList<Driver> drivers)
    {
        var array = new JsonArray();
        foreach (var d in drivers)
            array.Add(new JsonObject { ["feature"] = d.Feature, ["value"] = Finite(d.Value), ["contribution"] = Finite(d.Contribution) });
        return array.ToJsonString();
    }

    public static IReadOnlyList<Driver> ParseDrivers(string json)
    {
        var list = new List<Driver>();
        foreach (var node in JsonNode.Parse(json)!.AsArray())
            list.Add(new Driver((string)node!["feature"]!, (double?)node["value"] ?? double.NaN, (double?)node["contribution"] ?? double.NaN));
        return list;
    }

    /// <summary>JSON has no NaN or infinity: a missing feature value is stored as null and read back as NaN.</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;

    public static string Attributes(IReadOnlyDictionary<string, string> attributes)
    {
        var o = new JsonObject();
        foreach (var (k, v) in attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
            o[k] = v;
        return o.ToJsonString();
    }

    public static IReadOnlyDictionary<string, string> ParseAttributes(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}
