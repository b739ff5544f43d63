using System.Text.Json.Serialization;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Configuration;

/// <summary>The input size of every classification dataset.</summary>
public sealed record ClassificationInputOptions : DataOptions
{
    /// <summary>
    /// Side of the square network input; null: the dataset's own (28 Fashion-MNIST, 32 CIFAR, 224 image files). Fashion-MNIST
    /// and CIFAR images are resized to it; image files are resized (<c>resize_shorter</c>) and centre-cropped to it.
    /// </summary>
    [JsonPropertyOrder(21)]
    public int? ImageSize { get; init; }

    /// <summary>The input side in effect for <paramref name="kind"/>.</summary>
    public int ImageSizeFor(DatasetKind kind) => ImageSize ?? ClassificationDatasets.NativeSize(kind);

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind.Task() == TaskKind.Classification;

    /// <inheritdoc/>
    public override string Condition() => "for classification datasets";
}

/// <summary>Classification datasets of image files (image_folder, places_lt, inaturalist): how images are sized before the crop.</summary>
public sealed record ImageFileOptions : DataOptions
{
    /// <summary>Images are first resized so the shorter side has this length (0 = no resize); null: 256.</summary>
    [JsonPropertyOrder(22)]
    public int? ResizeShorter { get; init; }

    /// <summary>The shorter side in effect.</summary>
    public int ResizeShorterOrDefault() => ResizeShorter ?? ClassificationDatasets.DefaultResizeShorter;

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind is DatasetKind.ImageFolder or DatasetKind.PlacesLt or DatasetKind.INaturalist;
}
