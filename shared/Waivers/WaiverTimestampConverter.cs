using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaiverDb.Contracts.Waivers;

/// <summary>
/// Writes timestamps as <c>2017-03-16T17:42:04.209638</c>: Greenwave and Bodhi parse
/// them with a strict format, so the six fractional digits are always present.
/// </summary>
public sealed class WaiverTimestampConverter : JsonConverter<DateTime?>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff";

    public override bool HandleNull => true;

    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.GetString() ?? throw new JsonException("timestamp must be a string");
        if (!SinceParser.TryParseDateTime(text, out var value))
        {
            throw new JsonException($"Invalid timestamp '{text}'");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStringValue(value.Value.ToString(Format, CultureInfo.InvariantCulture));
    }
}
