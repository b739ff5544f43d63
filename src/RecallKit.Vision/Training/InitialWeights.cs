using RecallKit.Vision.Configuration;
using RecallKit.Vision.Interop;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// The file <c>model.init_from</c> names, told apart by its first bytes: a RecallKit checkpoint, or a PyTorch state_dict written
/// by <c>torch.save(model.state_dict(), path)</c> (e.g. with <c>interop/python/recallkit_models.py</c>). What the file says about
/// itself — architecture, head, classes — is known for a checkpoint and for a PyTorch file with the JSON description that
/// <c>recallkit export --format pytorch</c> writes beside it; for a bare state_dict only its keys and shapes are.
/// </summary>
public sealed class InitialWeights : IDisposable
{
    private readonly TrainedModel? checkpoint;
    private readonly Dictionary<string, Tensor> state;

    private InitialWeights(string path, TrainedModel? checkpoint, Dictionary<string, Tensor> state, Architecture? architecture, HeadKind? head,
        ClassifierKind? classifier, IReadOnlyList<string>? class_names)
    {
        Path = path;
        this.checkpoint = checkpoint;
        this.state = state;
        Architecture = architecture;
        Head = head;
        Classifier = classifier;
        ClassNames = class_names;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Whether the file is a PyTorch state_dict rather than a RecallKit checkpoint.</summary>
    public bool IsPyTorch => checkpoint is null;

    /// <summary>The network the weights belong to (null: a bare state_dict does not say).</summary>
    public Architecture? Architecture { get; }

    /// <summary>Classification head (null when unknown).</summary>
    public HeadKind? Head { get; }

    /// <summary>Classification classifier kind (null when unknown).</summary>
    public ClassifierKind? Classifier { get; }

    /// <summary>Class names the weights were trained on (null when unknown).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Tensors by state-dict key.</summary>
    public IReadOnlyDictionary<string, Tensor> State => state;

    /// <summary>Reads <paramref name="path"/>; an unreadable file is an <see cref="InvalidDataException"/> naming it.</summary>
    public static InitialWeights Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model.init_from = {path} does not exist.", path);
        switch (WeightsFiles.Detect(path))
        {
            case WeightsFileFormat.PyTorchZip or WeightsFileFormat.PyTorchLegacy:
            {
                var info = PyTorchModelInfo.ReadBeside(path);
                var tensors = PyTorchStateDict.Load(path);
                return new InitialWeights(path, null, tensors, info?.Architecture, info?.Head, info?.Classifier, info?.Classes);
            }
            case WeightsFileFormat.RecallKitCheckpoint:
            {
                var model = TrainedModel.Load(path);
                var m = model.Config.Model;
                return new InitialWeights(path, model, model.Network.state_dict(), m.Architecture, m.Head, m.Classifier, model.Classes.Names);
            }
            default:
                throw new InvalidDataException($"model.init_from = {path} is neither a RecallKit checkpoint nor a PyTorch state_dict written by torch.save.");
        }
    }

    /// <summary>Shapes by key.</summary>
    public Dictionary<string, long[]> Shapes() => PyTorchStateDict.Shapes(state);

    /// <inheritdoc />
    public void Dispose()
    {
        if (checkpoint is not null) checkpoint.Dispose();
        else foreach (var tensor in state.Values) tensor.Dispose();
    }
}
