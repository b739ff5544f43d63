using System.Text.Json;
using System.Text.Json.Serialization;

namespace RecallKit.Vision.Interop;

/// <summary>The JSON conventions of the exported model descriptions: snake_case names and enum values, no integer enums.</summary>
internal static class ModelInfoJson
{
    /// <summary>Serializer options; <paramref name="indented"/> for a file meant to be read.</summary>
    public static JsonSerializerOptions Options(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        WriteIndented = indented,
    };
}
