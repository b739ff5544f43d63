using System.Text.Json;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>A network restored from a checkpoint, with the config and classes it was trained with.</summary>
public sealed class TrainedModel : IDisposable
{
    private TrainedModel(TrainConfig config, SegmentationClasses classes, nn.Module<Tensor, Tensor> network)
    {
        Config = config;
        Classes = classes;
        Network = network;
    }

    /// <summary>The training config.</summary>
    public TrainConfig Config { get; }

    /// <summary>Class names, palette, ignore id.</summary>
    public SegmentationClasses Classes { get; }

    /// <summary>The network, in eval mode.</summary>
    public nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>Loads <paramref name="checkpointPath"/>; a corrupt file or a model that does not match it is a clear error.</summary>
    public static TrainedModel Load(string checkpointPath)
    {
        var checkpoint = Checkpoint.Load(checkpointPath);
        var config = ConfigLoader.FromJson(checkpoint.GetText("config"));
        var classes = ClassesJson.Parse(checkpoint.GetText("classes"));
        var network = SegmentationModels.Create(config.Model.Architecture, classes.Count, config.Model.OutputStride);
        try
        {
            checkpoint.Read("model", r => network.load(r));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            network.Dispose();
            throw new InvalidDataException($"{checkpointPath}: the weights do not fit {config.Model.Architecture} with {classes.Count} classes ({e.Message}).", e);
        }
        network.eval();
        return new TrainedModel(config, classes, network);
    }

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}

/// <summary>JSON form of <see cref="SegmentationClasses"/>, stored in checkpoints so predict works without the dataset.</summary>
public static class ClassesJson
{
    private sealed record Entry(string Name, byte[] Color);

    private sealed record Document(Entry[] Classes, int IgnoreIndex);

    /// <summary>Serialises classes.</summary>
    public static string Serialize(SegmentationClasses classes) => JsonSerializer.Serialize(new Document(
        classes.Names.Select((n, i) => new Entry(n, [classes.Palette[i].R, classes.Palette[i].G, classes.Palette[i].B])).ToArray(), classes.IgnoreIndex));

    /// <summary>Parses <see cref="Serialize"/> output.</summary>
    public static SegmentationClasses Parse(string json)
    {
        var d = JsonSerializer.Deserialize<Document>(json) ?? throw new InvalidDataException("empty classes section.");
        return new SegmentationClasses(d.Classes.Select(c => c.Name).ToArray(), d.Classes.Select(c => (c.Color[0], c.Color[1], c.Color[2])).ToArray(), d.IgnoreIndex);
    }
}
