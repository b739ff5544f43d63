using System.Text.Json;
using TorchSharp;

namespace RecallKit.Vision.RunFiles;

/// <summary>
/// The names and shapes of a module's state (parameters and buffers), stored in checkpoints next to the weights so that
/// loading into a different network lists what is missing, unexpected or differently shaped instead of failing inside
/// TorchSharp's deserialiser.
/// </summary>
public static class ModelKeys
{
    /// <summary>JSON object: state name → shape.</summary>
    /// <param name="module">The network.</param>
    /// <param name="skip">State names left out (as <c>module.save(writer, skip)</c> leaves them out).</param>
    public static string Describe(torch.nn.Module module, IReadOnlyList<string>? skip = null) =>
        JsonSerializer.Serialize(module.state_dict().Where(p => skip?.Contains(p.Key) != true).ToDictionary(p => p.Key, p => p.Value.shape));

    /// <summary>Throws an <see cref="InvalidDataException"/> naming every difference between the stored keys and <paramref name="module"/>'s.</summary>
    /// <param name="source">The checkpoint path, for the message.</param>
    /// <param name="stored">The stored <see cref="Describe"/> output (nothing is checked when null: checkpoints of older versions).</param>
    /// <param name="module">The network about to receive the weights.</param>
    /// <param name="what">What the network is, for the message (e.g. "small_cnn with 10 classes").</param>
    public static void Check(string source, string? stored, torch.nn.Module module, string what)
    {
        if (stored is null) return;
        Check(source, JsonSerializer.Deserialize<Dictionary<string, long[]>>(stored) ?? [], module, what);
    }

    /// <summary>Throws an <see cref="InvalidDataException"/> naming every difference between <paramref name="saved"/> (a file's shapes by key) and <paramref name="module"/>'s.</summary>
    public static void Check(string source, IReadOnlyDictionary<string, long[]> saved, torch.nn.Module module, string what)
    {
        var current = module.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        var missing = current.Keys.Where(k => !saved.ContainsKey(k)).ToList();
        var unexpected = saved.Keys.Where(k => !current.ContainsKey(k)).ToList();
        var reshaped = current.Keys.Where(k => saved.TryGetValue(k, out var s) && !s.SequenceEqual(current[k]))
            .Select(k => $"{k} [{string.Join(",", saved[k])}] in the file, [{string.Join(",", current[k])}] in the model").ToList();
        if (missing.Count + unexpected.Count + reshaped.Count == 0) return;
        static string List(IReadOnlyList<string> items) => string.Join(", ", items.Take(6)) + (items.Count > 6 ? $", … ({items.Count} in all)" : "");
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing from the file: {List(missing)}");
        if (unexpected.Count > 0) parts.Add($"unexpected in the file: {List(unexpected)}");
        if (reshaped.Count > 0) parts.Add($"different shapes: {List(reshaped)}");
        throw new InvalidDataException($"{source} does not hold weights for {what}; {string.Join("; ", parts)}.");
    }
}
