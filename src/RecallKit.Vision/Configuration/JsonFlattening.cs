using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace RecallKit.Vision.Configuration;

/// <summary>A <see cref="DefaultJsonTypeInfoResolver"/> modifier that flattens the properties marked <see cref="JsonFlattenAttribute"/>.</summary>
public static class JsonFlattening
{
    /// <summary>The properties of <paramref name="type"/> marked <see cref="JsonFlattenAttribute"/>.</summary>
    public static IEnumerable<PropertyInfo> FlattenedProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.IsDefined(typeof(JsonFlattenAttribute)));

    /// <summary>
    /// Replaces each flattened property of an object contract by its own properties (same names, order and converters), which
    /// read and write through it; then orders every property by <see cref="System.Text.Json.Serialization.JsonPropertyOrderAttribute"/>
    /// (stable). Nested flattening works, since the inner contract comes from the same resolver.
    /// </summary>
    public static void Modifier(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        var flattened = false;
        for (int i = info.Properties.Count - 1; i >= 0; i--)
        {
            var outer = info.Properties[i];
            if (outer.AttributeProvider?.IsDefined(typeof(JsonFlattenAttribute), inherit: false) != true) continue;
            var inner = info.Options.TypeInfoResolver!.GetTypeInfo(outer.PropertyType, info.Options)
                        ?? throw new InvalidOperationException($"no JSON contract for {outer.PropertyType}.");
            info.Properties.RemoveAt(i);
            for (int j = 0; j < inner.Properties.Count; j++)
                info.Properties.Insert(i + j, Through(info, outer, inner, inner.Properties[j]));
            flattened = true;
        }
        if (!flattened) return;
        var ordered = info.Properties.OrderBy(p => p.Order).ToArray();
        info.Properties.Clear();
        foreach (var property in ordered) info.Properties.Add(property);
    }

    /// <summary><paramref name="property"/> of the object in <paramref name="outer"/>, as a property of the enclosing object.</summary>
    private static JsonPropertyInfo Through(JsonTypeInfo info, JsonPropertyInfo outer, JsonTypeInfo inner, JsonPropertyInfo property)
    {
        var flat = info.CreateJsonPropertyInfo(property.PropertyType, property.Name);
        flat.AttributeProvider = property.AttributeProvider;
        flat.CustomConverter = property.CustomConverter;
        flat.NumberHandling = property.NumberHandling;
        flat.IsRequired = property.IsRequired;
        flat.Order = property.Order;
        if (property.Get is { } get) flat.Get = owner => get(Nested(owner));
        if (property.Set is { } set) flat.Set = (owner, value) => set(Nested(owner), value);
        if (property.ShouldSerialize is { } should) flat.ShouldSerialize = (owner, value) => should(Nested(owner), value);
        return flat;

        // Setters mutate the owner's own instance: a record's init-only properties are set the same way on deserialisation.
        object Nested(object owner)
        {
            if (outer.Get!(owner) is { } nested) return nested;
            nested = inner.CreateObject?.Invoke() ?? throw new InvalidOperationException($"{outer.PropertyType} has no parameterless constructor.");
            outer.Set!(owner, nested);
            return nested;
        }
    }
}
