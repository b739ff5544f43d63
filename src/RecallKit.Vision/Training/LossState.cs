using TorchSharp;

namespace RecallKit.Vision.Training;

/// <summary>
/// Restores a loss's checkpointed state. Class-weight buffers (<c>weight</c>, <c>margins</c>) are recomputed from the training
/// counts when the loss is built, so checkpoints written before they became buffers still resume; any other missing state
/// (e.g. an EMA recall) is an error naming it.
/// </summary>
public static class LossState
{
    /// <summary>Loads <paramref name="loss"/>'s state from <paramref name="reader"/>.</summary>
    /// <exception cref="InvalidDataException">State the loss needs is not in the checkpoint.</exception>
    public static void Load(torch.nn.Module loss, BinaryReader reader, string checkpoint)
    {
        var loaded = new Dictionary<string, bool>();
        loss.load(reader, strict: false, loadedParameters: loaded);
        var missing = loss.state_dict().Keys
            .Where(k => !loaded.GetValueOrDefault(k) && !IsDerivedFromCounts(k))
            .ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"{checkpoint} has no loss state for {string.Join(", ", missing)}; it was not written by this loss.");
    }

    private static bool IsDerivedFromCounts(string key)
    {
        var name = key[(key.LastIndexOf('.') + 1)..];
        return name is "weight" or "margins";
    }
}
