using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Segmentation;

/// <summary>
/// <c>model.init_from</c> for segmentation: fine-tunes from another run's checkpoint of the same architecture, or from a PyTorch
/// state_dict with the same keys (<see cref="InitialWeights"/>). With the same classes every tensor is copied; with other
/// classes (another dataset) everything but the classifier is copied and the classifier keeps its fresh initialisation — a
/// bare state_dict names no classes, so there its classifier is copied when its shape fits and kept fresh otherwise. A
/// DeepLabV3+ auxiliary head (<c>aux_head.*</c>, training only) is copied when the file has it with the same shapes, else kept
/// fresh; a file's auxiliary head the model lacks is ignored. Every other difference in names or shapes is an error listing the keys.
/// </summary>
public static class SegmentationInitialisation
{
    /// <summary>State names of the final 1×1 convolution that maps features to class scores (both segmentation networks).</summary>
    public const string ClassifierPrefix = "classifier.";

    /// <summary>What was copied and what kept its initialisation.</summary>
    public sealed record Report(IReadOnlyList<string> Loaded, IReadOnlyList<string> Reinitialised);

    /// <summary>Copies the weights of <paramref name="checkpoint"/> into <paramref name="model"/> and logs the key-by-key outcome.</summary>
    /// <exception cref="InvalidDataException">Another architecture or task, or keys/shapes that differ outside the classifier.</exception>
    public static Report Apply(nn.Module<Tensor, Tensor> model, string checkpoint, Architecture architecture, DatasetClasses classes, TextWriter log)
    {
        using var source = InitialWeights.Load(checkpoint);
        if (source.Architecture is { } trained && trained != architecture)
            throw new InvalidDataException($"model.init_from = {checkpoint} holds a {trained}; this run trains a {architecture}. Fine-tuning needs the same architecture.");
        var target = model.state_dict();
        var from = source.State;
        bool sameClasses = source.ClassNames is { } names
            ? names.SequenceEqual(classes.Names)
            : target.Where(p => p.Key.StartsWith(ClassifierPrefix, StringComparison.Ordinal))
                .All(p => from.TryGetValue(p.Key, out var f) && f.shape.SequenceEqual(p.Value.shape));
        static bool Auxiliary(string key) => key.StartsWith(DeepLabV3Plus.AuxiliaryPrefix, StringComparison.Ordinal);
        bool Reinitialise(string key) => (!sameClasses && key.StartsWith(ClassifierPrefix, StringComparison.Ordinal))
            || (Auxiliary(key) && !(from.TryGetValue(key, out var f) && f.shape.SequenceEqual(target[key].shape)));
        var problems = target.Where(p => !Reinitialise(p.Key))
            .Select(p => !from.TryGetValue(p.Key, out var f) ? $"{p.Key} is missing from the file"
                : !f.shape.SequenceEqual(p.Value.shape) ? $"{p.Key} is [{string.Join(",", f.shape)}] in the file, [{string.Join(",", p.Value.shape)}] in the model"
                : null)
            .Concat(from.Keys.Where(k => !target.ContainsKey(k) && !Auxiliary(k)).Select(k => $"{k} is in the file but not in the model"))
            .OfType<string>().ToArray();
        if (problems.Length > 0)
            throw new InvalidDataException($"model.init_from = {checkpoint} does not fit a {architecture}: {string.Join("; ", problems.Take(6))}{(problems.Length > 6 ? $"; … ({problems.Length} in all)" : "")}.");

        var loaded = new List<string>();
        var reinitialised = new List<string>();
        using (no_grad())
        {
            foreach (var (key, tensor) in target)
            {
                if (Reinitialise(key))
                {
                    reinitialised.Add(key);
                    continue;
                }
                tensor.copy_(from[key]);
                loaded.Add(key);
            }
        }
        log.WriteLine($"initialised from {checkpoint}: {loaded.Count} tensors loaded{(source.IsPyTorch ? " (PyTorch state_dict)" : "")}"
            + (reinitialised.Count == 0 ? "" : $"; {string.Join(", ", reinitialised)} kept their fresh initialisation because {WhyClassesDiffer(source, classes)}"));
        return new Report(loaded, reinitialised);
    }

    private static string WhyClassesDiffer(InitialWeights source, DatasetClasses classes)
    {
        if (source.ClassNames is not { } names)
            return source.State.TryGetValue(ClassifierPrefix + "weight", out var w)
                ? $"the file's classifier has {w.shape[0]} outputs, this dataset {classes.Count} classes"
                : $"the file has no {ClassifierPrefix}weight";
        return $"the checkpoint's {names.Count} classes ({string.Join(", ", names.Take(4))}{(names.Count > 4 ? ", …" : "")}) differ from this dataset's {classes.Count}";
    }
}
