using System.Text.Json;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Interop;

/// <summary>
/// The JSON file beside an exported PyTorch state_dict (<c>model.pt.json</c> next to <c>model.pt</c>): what
/// <c>interop/python/recallkit_models.py</c> needs to build the module, and what <c>model.init_from</c> checks.
/// </summary>
public sealed record PyTorchModelInfo
{
    /// <summary>The value of <see cref="Format"/> this version writes.</summary>
    public const string CurrentFormat = "recallkit-pytorch/1";

    private static readonly JsonSerializerOptions Json = ModelInfoJson.Options(indented: true);

    /// <summary>Identifies the file.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Segmentation or classification.</summary>
    public required TaskKind Task { get; init; }

    /// <summary>The network, by its config name (e.g. <c>deeplabv3plus_resnet50</c>).</summary>
    public required Architecture Architecture { get; init; }

    /// <summary>C.</summary>
    public required int NumClasses { get; init; }

    /// <summary>Image channels (1 for Fashion-MNIST).</summary>
    public required int InChannels { get; init; }

    /// <summary>DeepLabV3+ only: 8 or 16.</summary>
    public int? OutputStride { get; init; }

    /// <summary>Classification: linear, or SDN (an exported SDN keeps only f and h, so its file says linear).</summary>
    public HeadKind Head { get; init; } = HeadKind.Linear;

    /// <summary>Classification: linear or cosine head.</summary>
    public ClassifierKind Classifier { get; init; } = ClassifierKind.Linear;

    /// <summary>Class names, index = output channel.</summary>
    public required string[] Classes { get; init; }

    /// <summary>Label of unlabeled pixels/images (not a class).</summary>
    public int IgnoreIndex { get; init; }

    /// <summary>Per-channel mean of the input normalisation: <c>(pixel / 255 − mean) / std</c>.</summary>
    public required float[] InputMean { get; init; }

    /// <summary>Per-channel standard deviation of the input normalisation.</summary>
    public required float[] InputStd { get; init; }

    /// <summary>Classification: the square input size the network was trained on.</summary>
    public int? ImageSize { get; init; }

    /// <summary>Where the file of the weights at <paramref name="weights"/> lives.</summary>
    public static string PathBeside(string weights) => weights + ".json";

    /// <summary>The description of a network trained with <paramref name="config"/> on <paramref name="classes"/> (SDN becomes linear: g is not exported).</summary>
    public static PyTorchModelInfo Describe(TrainConfig config, DatasetClasses classes)
    {
        var architecture = config.Model.Architecture;
        bool segmentation = architecture.Task() == TaskKind.Segmentation;
        var input = ModelInput.Of(config);
        return new PyTorchModelInfo
        {
            Task = architecture.Task(), Architecture = architecture, NumClasses = classes.Count, InChannels = input.Channels,
            OutputStride = segmentation && architecture != Architecture.LiteSeg ? config.Model.OutputStride : null,
            Classifier = segmentation ? ClassifierKind.Linear : config.Model.Classifier, Classes = [.. classes.Names], IgnoreIndex = classes.IgnoreIndex,
            InputMean = input.Mean, InputStd = input.Std, ImageSize = input.ImageSize,
        };
    }

    /// <summary>Writes the file beside <paramref name="weights"/> and returns its path.</summary>
    public string WriteBeside(string weights)
    {
        var path = PathBeside(weights);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        return path;
    }

    /// <summary>The file beside <paramref name="weights"/>, or null when there is none; an unreadable one is an error naming it.</summary>
    public static PyTorchModelInfo? ReadBeside(string weights)
    {
        var path = PathBeside(weights);
        if (!File.Exists(path)) return null;
        PyTorchModelInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<PyTorchModelInfo>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a RecallKit model description ({e.Message}).", e);
        }
        if (info is null || info.Format != CurrentFormat)
            throw new InvalidDataException($"{path}: not a RecallKit model description (expected \"format\": \"{CurrentFormat}\").");
        if (info.Classes.Length != info.NumClasses)
            throw new InvalidDataException($"{path}: num_classes is {info.NumClasses} but {info.Classes.Length} class names are listed.");
        return info;
    }
}
