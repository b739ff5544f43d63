using System.Text.Json;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Interop;
using RecallKit.Vision.Models;
using RecallKit.Vision;

namespace RecallKit.Onnx;

/// <summary>
/// What predicting with an exported ONNX model needs besides the graph — task, classes, palette, input normalisation and
/// size — stored as JSON in the model's <c>metadata_props</c> under <see cref="MetadataKey"/>.
/// </summary>
public sealed record OnnxModelInfo
{
    /// <summary>The metadata key.</summary>
    public const string MetadataKey = "recallkit";

    /// <summary>The value of <see cref="Format"/> this version writes.</summary>
    public const string CurrentFormat = "recallkit-onnx/1";

    private static readonly JsonSerializerOptions Json = ModelInfoJson.Options(indented: false);

    /// <summary>Identifies the metadata.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Segmentation (logits [N,C,H,W]) or classification (logits [N,C]).</summary>
    public required TaskKind Task { get; init; }

    /// <summary>The network, by its config name.</summary>
    public required Architecture Architecture { get; init; }

    /// <summary>Class names, index = output channel.</summary>
    public required string[] Classes { get; init; }

    /// <summary>RGB colour per class, for label images.</summary>
    public required int[][] Palette { get; init; }

    /// <summary>Label of unlabeled pixels (not a class).</summary>
    public int IgnoreIndex { get; init; }

    /// <summary>Image channels (1 for Fashion-MNIST).</summary>
    public required int InChannels { get; init; }

    /// <summary>Per-channel mean of the input normalisation: <c>(pixel / 255 − mean) / std</c>.</summary>
    public required float[] InputMean { get; init; }

    /// <summary>Per-channel standard deviation of the input normalisation.</summary>
    public required float[] InputStd { get; init; }

    /// <summary>Classification: the square input size (centre crop).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Classification on image files: the shorter side is resized to this before the centre crop (0: the image is resized to <see cref="ImageSize"/>).</summary>
    public int ResizeShorter { get; init; }

    /// <summary>The classes with their palette.</summary>
    public DatasetClasses ToClasses() => new(Classes, Palette.Select(c => ((byte)c[0], (byte)c[1], (byte)c[2])).ToArray(), IgnoreIndex);

    /// <summary>Classification: the eval transform (centre crop and normalisation).</summary>
    public ClassificationAugmentation ToAugmentation() => new(ImageSize ?? 0, 0, false, InputMean, InputStd);

    /// <summary>The description of a network trained with <paramref name="config"/> on <paramref name="classes"/>.</summary>
    public static OnnxModelInfo Describe(TrainConfig config, DatasetClasses classes)
    {
        var architecture = config.Model.Architecture;
        var input = ModelInput.Of(config);
        return new OnnxModelInfo
        {
            Task = architecture.Task(), Architecture = architecture, Classes = [.. classes.Names],
            Palette = [.. classes.Palette.Select(c => new int[] { c.R, c.G, c.B })], IgnoreIndex = classes.IgnoreIndex,
            InChannels = input.Channels, InputMean = input.Mean, InputStd = input.Std, ImageSize = input.ImageSize, ResizeShorter = input.ResizeShorter,
        };
    }

    /// <summary>The JSON stored in the model.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses the metadata of the model at <paramref name="path"/>; anything else is an error naming the file.</summary>
    public static OnnxModelInfo Parse(string json, string path)
    {
        OnnxModelInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<OnnxModelInfo>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the '{MetadataKey}' metadata is not a RecallKit model description ({e.Message}).", e);
        }
        if (info is null || info.Format != CurrentFormat)
            throw new InvalidDataException($"{path}: the '{MetadataKey}' metadata is not a RecallKit model description (expected \"format\": \"{CurrentFormat}\").");
        if (info.Palette.Length != info.Classes.Length || info.Palette.Any(c => c.Length != 3 || c.Any(v => v is < 0 or > 255)))
            throw new InvalidDataException($"{path}: {info.Classes.Length} classes but {info.Palette.Length} palette colours (an RGB triple of 0–255 each).");
        if (info.InputMean.Length != info.InChannels || info.InputStd.Length != info.InChannels)
            throw new InvalidDataException($"{path}: {info.InChannels} input channels but {info.InputMean.Length} means and {info.InputStd.Length} standard deviations.");
        return info;
    }
}
