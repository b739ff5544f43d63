using System.Text.Json.Serialization;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Configuration;

/// <summary>Segmentation training crops and augmentation (the crop size is also the size of generated synthetic scenes).</summary>
public sealed record SegmentationAugmentationOptions : DataOptions
{
    /// <summary>Training crop width in pixels.</summary>
    [JsonPropertyOrder(4)]
    public int CropWidth { get; init; } = 192;

    /// <summary>Training crop height in pixels.</summary>
    [JsonPropertyOrder(5)]
    public int CropHeight { get; init; } = 96;

    /// <summary>Smallest random scale factor.</summary>
    [JsonPropertyOrder(6)]
    public double ScaleMin { get; init; } = 1.0;

    /// <summary>Largest random scale factor.</summary>
    [JsonPropertyOrder(7)]
    public double ScaleMax { get; init; } = 1.0;

    /// <summary>Random brightness/contrast/saturation jitter.</summary>
    [JsonPropertyOrder(9)]
    public bool ColorJitter { get; init; }

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind.Task() != TaskKind.Classification;

    /// <inheritdoc/>
    public override string Condition() => "for segmentation datasets";
}
