using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pql.Server.Apis;

/// <summary>
/// JSON has no NaN or infinity, and System.Text.Json throws on them mid-response (the client sees a torn body). A driver's value is
/// NaN when the feature is missing for the entity, so every double the API writes goes out as null when it is not finite (as the
/// state file stores it) and null reads back as NaN.
/// </summary>
public sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteNullValue();
    }
}
