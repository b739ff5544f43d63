using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>Classification datasets of image files (image_folder, places_lt, inaturalist): how images are sized.</summary>
public sealed record ImageFileOptions : DataOptions
{
    /// <summary>Side of the square crop fed to the network.</summary>
    [JsonPropertyOrder(21)]
    public int ImageSize { get; init; } = 224;

    /// <summary>Images are first resized so the shorter side has this length (0 = no resize).</summary>
    [JsonPropertyOrder(22)]
    public int ResizeShorter { get; init; } = 256;

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind is DatasetKind.ImageFolder or DatasetKind.PlacesLt or DatasetKind.INaturalist;
}
