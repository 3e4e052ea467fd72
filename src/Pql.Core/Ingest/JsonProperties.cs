using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Pql.Core.Ingest;

/// <summary>Validates a JSON object and extracts the top-level values of a few keys as text.</summary>
internal static class JsonProperties
{
    /// <summary>Extracts from JSON held as text (a CSV or Parquet column); <paramref name="scratch"/> is reused for its UTF-8 bytes.</summary>
    public static string? Extract(ReadOnlySpan<char> text, ref byte[] scratch, string[] keys, string?[] values)
    {
        var json = text.Trim();
        if (json.IsEmpty)
            return null;
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (scratch.Length < max)
            scratch = new byte[Math.Max(max, scratch.Length * 2)];
        var n = Encoding.UTF8.GetBytes(json, scratch);
        return Extract(scratch.AsSpan(0, n), keys, values);
    }

    /// <summary>Fills <paramref name="values"/>[i] for each of <paramref name="keys"/> found; returns an error text when the JSON is not an object.</summary>
    public static string? Extract(ReadOnlySpan<byte> json, string[] keys, string?[] values)
    {
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
