using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Interop;
using RecallKit.Vision.Models;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.RunFiles;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>A network restored from a checkpoint, with the config and classes it was trained with.</summary>
public sealed class TrainedModel : IDisposable
{
    private TrainedModel(TrainConfig config, DatasetClasses classes, nn.Module<Tensor, Tensor> network)
    {
        Config = config;
        Classes = classes;
        Network = network;
    }

    /// <summary>The training config.</summary>
    public TrainConfig Config { get; }

    /// <summary>Class names, palette, ignore id.</summary>
    public DatasetClasses Classes { get; }

    /// <summary>Training samples per class, when the checkpoint records them (classification).</summary>
    public long[]? TrainingCounts { get; private init; }

    /// <summary>Segmentation or classification.</summary>
    public TaskKind Task => Config.Model.Architecture.Task();

    /// <summary>The network, in eval mode.</summary>
    public nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>Loads <paramref name="checkpointPath"/>; a corrupt file or a model that does not match it is a clear error.</summary>
    public static TrainedModel Load(string checkpointPath)
    {
        using var checkpoint = Checkpoint.Load(checkpointPath);
        var config = ConfigLoader.FromJson(checkpoint.GetText(RunCheckpoint.Config));
        var classes = ClassesJson.Parse(checkpoint.GetText(RunCheckpoint.Classes));
        var network = Networks.Create(config.Model.Architecture, classes.Count, new NetworkOptions(ClassificationDatasets.Channels(config.Data.Kind),
            config.Model.OutputStride, config.Model.AuxHead, config.Model.Head == HeadKind.Sdn, config.Model.Classifier == ClassifierKind.Cosine));
        try
        {
            RunCheckpoint.CheckModelKeys(checkpoint, checkpointPath, network, $"{config.Model.Architecture} with {classes.Count} classes");
            checkpoint.Read(RunCheckpoint.Model, r => network.load(r));
        }
        catch (InvalidDataException)
        {
            network.Dispose();
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            network.Dispose();
            throw new InvalidDataException($"{checkpointPath}: the weights do not fit {config.Model.Architecture} with {classes.Count} classes ({e.Message}).", e);
        }
        network.eval();
        return new TrainedModel(config, classes, network) { TrainingCounts = ClassesJson.TrainingCounts(checkpoint.GetText(RunCheckpoint.Classes)) };
    }

    /// <summary>
    /// Writes an inference checkpoint: config, classes and the weights inference needs — no optimiser or loss state, for
    /// an SDN classifier only f and h (its config then says <c>head = linear</c>, so it loads as a plain classifier), and for a
    /// DeepLabV3+ trained with an auxiliary head no <c>aux_head.*</c> weights (its config then says <c>aux_head = false</c>).
    /// </summary>
    public void Export(string path)
    {
        var config = Network is ClassificationNetwork { Decoupled: true } ? Config with { Model = Config.Model with { Head = HeadKind.Linear } } : Config;
        if (config.Model.AuxHead)
            config = config with { Model = config.Model with { AuxHead = false }, Loss = config.Loss with { AuxWeight = new LossConfig().AuxWeight } };
        using var checkpoint = RunCheckpoint.Create(config, TrainingProgress.Start, Classes, TrainingCounts, Network, KeysNotNeededForInference());
        checkpoint.Save(path);
    }

    /// <summary>
    /// Writes the inference weights (as <see cref="Export"/> chooses them) as a PyTorch state_dict that <c>torch.load</c> reads,
    /// and beside it (<c>path + ".json"</c>) the architecture, classes and input normalisation that
    /// <c>interop/python/recallkit_models.py</c> builds the module from.
    /// </summary>
    /// <returns>The path of the description file.</returns>
    public string ExportPyTorch(string path) =>
        PyTorchExport.Write(Network, PyTorchModelInfo.Describe(Config, Classes), path, KeysNotNeededForInference());

    /// <summary>An SDN classifier's head g (inference uses h); a DeepLabV3+'s auxiliary head (used only in training).</summary>
    private List<string> KeysNotNeededForInference() => Network switch
    {
        ClassificationNetwork { Decoupled: true } => Network.state_dict().Keys.Where(k => k.StartsWith("fc_g.", StringComparison.Ordinal)).ToList(),
        DeepLabV3Plus { HasAuxiliaryHead: true } => Network.state_dict().Keys.Where(k => k.StartsWith(DeepLabV3Plus.AuxiliaryPrefix, StringComparison.Ordinal)).ToList(),
        _ => [],
    };

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}
