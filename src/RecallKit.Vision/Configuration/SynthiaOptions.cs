using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>SYNTHIA labels.</summary>
public sealed record SynthiaOptions : DataOptions
{
    /// <summary>Ignore the void class (default) or train it as a class.</summary>
    [JsonPropertyOrder(16), JsonPropertyName("synthia_void")]
    public SynthiaVoid Void { get; init; } = SynthiaVoid.Ignore;

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind == DatasetKind.Synthia;
}
