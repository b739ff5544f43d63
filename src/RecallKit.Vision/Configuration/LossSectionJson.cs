using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// How <c>loss.terms</c> and the shorthand keys it replaces meet in JSON: a config that sets <c>loss.terms</c> may not also set
/// <c>loss.kind</c>, <c>plus_kind</c> or their weights, and a config written with terms leaves those keys (and the section's
/// hyper-parameters, which the terms replace) out while they hold their defaults, so that the file it records loads again.
/// </summary>
public static class LossSectionJson
{
    /// <summary>The keys of the <c>loss</c> section that <c>loss.terms</c> replaces.</summary>
    public static IReadOnlyList<string> ShorthandKeys { get; } = ["kind", "loss_weight", "plus_kind", "plus_loss_weight"];

    /// <summary>
    /// Checks <c>loss.terms</c> in a config as written: a list of objects that each name a kind, without the shorthand keys. A
    /// shorthand key inherited from a comparison's shared base (<paramref name="shared"/>) is dropped instead: the variant's
    /// terms replace it.
    /// </summary>
    /// <exception cref="ConfigException">The list is not a list of objects with a kind, or a shorthand key is set beside it.</exception>
    public static void CheckTerms(JsonObject root, string source, IReadOnlySet<string>? shared)
    {
        if (root["loss"] is not JsonObject loss || !loss.TryGetPropertyValue("terms", out var terms) || terms is null) return;
        if (terms is not JsonArray list)
            throw new ConfigException(
                $"{source}: loss.terms = {terms.ToJsonString()} is not valid; it must be a list of terms such as " +
                "[{\"kind\": \"cross_entropy\"}].");
        for (int i = 0; i < list.Count; i++)
            if (list[i] is not JsonObject term || !term.ContainsKey("kind"))
                throw new ConfigException(
                    $"{source}: {LossTermRules.Prefix(i)}kind is missing: every term is an object that names its kind, " +
                    "e.g. {\"kind\": \"dice\", \"weight\": 3}.");
        foreach (var key in ShorthandKeys.Where(loss.ContainsKey).ToArray())
        {
            if (shared?.Contains($"loss.{key}") != true) throw new ConfigException($"{source}: {LossTermRules.Together()}");
            loss.Remove(key);
        }
    }

    /// <summary>
    /// A <see cref="DefaultJsonTypeInfoResolver"/> modifier (after <see cref="JsonFlattening.Modifier"/>): with <c>loss.terms</c>,
    /// the shorthand keys and the section's hyper-parameters are written only when they differ from their defaults (which
    /// validation reports).
    /// </summary>
    public static void Modifier(JsonTypeInfo info)
    {
        if (info.Type == typeof(LossTerm)) WriteTheKeysATermReads(info);
        if (info.Type != typeof(LossConfig)) return;
        foreach (var property in info.Properties)
        {
            // Resolves no other contract here: a modifier that did could wait on another thread configuring this one.
            bool termOption = property.AttributeProvider is PropertyInfo { DeclaringType: { } declaring }
                && declaring.IsAssignableTo(typeof(LossOptions));
            if (!ShorthandKeys.Contains(property.Name) && !termOption) continue;
            var name = property.Name;
            var type = property.PropertyType;
            var own = property.ShouldSerialize;
            property.ShouldSerialize = (owner, value) => (own?.Invoke(owner, value) ?? true)
                && (((LossConfig)owner).Terms is null
                    || !JsonNode.DeepEquals(JsonSerializer.SerializeToNode(value, type, info.Options), Default(name)));
        }
    }

    /// <summary>
    /// A term writes its kind, its weight and the keys its kind reads (others only away from their defaults, which validation
    /// reports).
    /// </summary>
    private static void WriteTheKeysATermReads(JsonTypeInfo info)
    {
        foreach (var property in info.Properties)
        {
            if (property.AttributeProvider is not PropertyInfo { DeclaringType: { } declaring } || !declaring.IsAssignableTo(typeof(LossOptions)))
                continue;
            var type = property.PropertyType;
            var get = property.Get!;
            var own = property.ShouldSerialize;
            var fallback = new Lazy<JsonNode?>(() => JsonSerializer.SerializeToNode(get(new LossTerm()), type, info.Options));
            property.ShouldSerialize = (owner, value) => (own?.Invoke(owner, value) ?? true)
                && (((LossTerm)owner).Options.First(o => o.GetType() == declaring).IsReadBy((LossTerm)owner)
                    || !JsonNode.DeepEquals(JsonSerializer.SerializeToNode(value, type, info.Options), fallback.Value));
        }
    }

    private static readonly Lazy<JsonObject> Defaults =
        new(() => JsonSerializer.SerializeToNode(new LossConfig(), ConfigLoader.Options)!.AsObject());

    private static JsonNode? Default(string key) => Defaults.Value[key];
}
