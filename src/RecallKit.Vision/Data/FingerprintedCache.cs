using System.Text.Json;
using System.Text.Json.Nodes;

namespace RecallKit.Vision.Data;

/// <summary>
/// A JSON file of something computed from a split's labels, <c>{"Fingerprint": …, "&lt;name&gt;": value}</c>: read when its
/// fingerprint matches and its value is valid, otherwise (missing, damaged, stale) computed again and written. A directory
/// that cannot be written only loses the cache.
/// </summary>
internal static class FingerprintedCache
{
    private const string FingerprintKey = "Fingerprint";

    /// <param name="path">The cache file.</param>
    /// <param name="fingerprint">What the value was computed from.</param>
    /// <param name="name">The value's key in the file.</param>
    /// <param name="valid">Whether a cached value fits the dataset (sizes, ranges).</param>
    /// <param name="compute">Computes the value.</param>
    public static T GetOrCompute<T>(string path, string fingerprint, string name, Func<T, bool> valid, Func<T> compute) where T : class
    {
        if (File.Exists(path))
        {
            try
            {
                var cache = JsonNode.Parse(File.ReadAllText(path));
                if (cache?[FingerprintKey]?.GetValue<string>() == fingerprint && cache[name].Deserialize<T>() is { } cached && valid(cached))
                    return cached;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                // a damaged cache is recomputed
            }
        }
        var value = compute();
        try
        {
            File.WriteAllText(path, new JsonObject { [FingerprintKey] = fingerprint, [name] = JsonSerializer.SerializeToNode(value) }.ToJsonString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // read-only dataset directory: the value is still correct, just not cached
        }
        return value;
    }
}
