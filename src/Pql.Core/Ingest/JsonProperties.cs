using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Pql.Core.Ingest;

/// <summary>Validates a JSON object and extracts the top-level values of a few keys as text.</summary>
internal static class JsonProperties
{
    /// <summary>Bound on the texts <see cref="t_invalid"/> remembers per thread.</summary>
    private const int InvalidMemo = 1024;

    /// <summary>
    /// Invalid property texts seen on this thread and their error: the reader reports invalid JSON by throwing, which costs
    /// tens of microseconds, and dirty exports repeat the same broken text (a generated 10M-row world: 40k such rows,
    /// 0.4 s of exceptions). The error is a function of the text, so a remembered one is the one a parse would give.
    /// </summary>
    [ThreadStatic]
    private static Dictionary<string, string>? t_invalid;

    /// <summary>The keys <see cref="t_invalid"/>'s errors were found with (the reader walks the same tokens for any keys; kept apart anyway).</summary>
    [ThreadStatic]
    private static string[]? t_invalidKeys;

    /// <summary>Extracts from JSON held as text (a CSV or Parquet column); <paramref name="scratch"/> is reused for its UTF-8 bytes.</summary>
    public static string? Extract(ReadOnlySpan<char> text, ref byte[] scratch, string[] keys, string?[] values)
    {
        var json = text.Trim();
        if (json.IsEmpty)
            return null;
        var invalid = t_invalid ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (!ReferenceEquals(t_invalidKeys, keys))
        {
            invalid.Clear();
            t_invalidKeys = keys;
        }
        if (invalid.Count > 0 && invalid.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(json, out var known))
            return known;
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (scratch.Length < max)
            scratch = new byte[Math.Max(max, scratch.Length * 2)];
        var n = Encoding.UTF8.GetBytes(json, scratch);
        var error = Extract(scratch.AsSpan(0, n), keys, values, out var thrown);
        if (thrown)
        {
            Array.Clear(values); // as a remembered error leaves them: no values from a row that is rejected anyway
            if (invalid.Count < InvalidMemo)
                invalid[json.ToString()] = error!;
        }
        return error;
    }

    /// <summary>Fills <paramref name="values"/>[i] for each of <paramref name="keys"/> found; returns an error text when the JSON is not an object.</summary>
    public static string? Extract(ReadOnlySpan<byte> json, string[] keys, string?[] values) => Extract(json, keys, values, out _);

    /// <summary>As above; <paramref name="thrown"/> tells an error the reader threw (invalid JSON) from the others.</summary>
    private static string? Extract(ReadOnlySpan<byte> json, string[] keys, string?[] values, out bool thrown)
    {
        thrown = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return "is not a JSON object";
            ReadObject(ref reader, keys, values);
            if (reader.Read())
                return "has text after the JSON object";
            return null;
        }
        catch (JsonException ex)
        {
            thrown = true;
            return $"is not valid JSON ({ex.Message.Split('.')[0]})";
        }
    }

    /// <summary>Reads the members of an object whose StartObject was just read, capturing wanted keys.</summary>
    public static void ReadObject(ref Utf8JsonReader reader, string[] keys, string?[] values)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var index = -1;
            for (var k = 0; k < keys.Length; k++)
            {
                if (reader.ValueTextEquals(keys[k]))
                {
                    index = k;
                    break;
                }
            }
            reader.Read();
            if (index >= 0 && values[index] is null)
                values[index] = ScalarText(ref reader);
            else
                reader.Skip();
        }
    }

    /// <summary>The text of a scalar token (strings unescaped, numbers and booleans as written); nested values are skipped.</summary>
    public static string? ScalarText(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                return Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
            case JsonTokenType.Null:
                return null;
            default:
                reader.Skip();
                return null;
        }
    }
}
