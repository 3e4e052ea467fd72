using System.Text.Json;
using Pql.Core.Demo;
using Pql.Core.Events;

namespace Pql.Core.Tests.Demo;

/// <summary>Tells each event row apart as clean or as one kind of dirt, from the row alone (as a loader would).</summary>
internal static class WorldRowClassifier
{
    public static List<(CsvRow Row, DirtyKind? Kind)> Classify(
        List<CsvRow> events, Dictionary<string, (string Account, long Created)> users)
    {
        var seen = new Dictionary<string, string>();
        var result = new List<(CsvRow, DirtyKind?)>(events.Count);
        foreach (var row in events)
        {
            Assert.Equal(7, row.Fields.Length);
            DirtyKind? kind;
            if (seen.TryGetValue(row[5], out var firstLine))
            {
                Assert.Equal(firstLine, row.Line); // a duplicate is a true duplicate of the row
                kind = DirtyKind.Duplicate;
            }
            else if (!Timestamps.TryParseIso(row[0], out _))
            {
                kind = DirtyKind.MalformedTimestamp;
            }
            else if (row[1].Length == 0)
            {
                kind = DirtyKind.EmptyEvent;
            }
            else if (!users.ContainsKey(row[2]) && row[3].Length == 0)
            {
                kind = DirtyKind.UnknownUser;
            }
            else
            {
                kind = row[6].Length > 0 && !IsJsonObject(row[6]) ? DirtyKind.BrokenProperties : null;
            }
            seen.TryAdd(row[5], row.Line);
            result.Add((row, kind));
        }
        return result;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
