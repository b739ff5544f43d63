using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// The dotted config key of a property, named from the property itself, e.g. <c>ConfigKey.Of(c =&gt; c.Loss.Focal.Gamma)</c> is
/// <c>loss.gamma</c>: each step is spelled as the loader's JSON contract spells it (naming policy, <c>[JsonPropertyName]</c>),
/// and a step through a <see cref="JsonFlattenAttribute"/> property adds nothing, as its keys sit in the enclosing section.
/// </summary>
public static class ConfigKey
{
    private static readonly ConcurrentDictionary<PropertyInfo, string> Names = new();

    /// <summary>Every key of a <see cref="TrainConfig"/> with the property that holds it, in the loader's contract order.</summary>
    public static IReadOnlyList<(string Key, PropertyInfo Property)> All { get; } = [.. Keys()];

    private static IEnumerable<(string Key, PropertyInfo Property)> Keys()
    {
        foreach (var property in ConfigLoader.Options.GetTypeInfo(typeof(TrainConfig)).Properties)
        {
            var section = ConfigLoader.Options.GetTypeInfo(property.PropertyType);
            if (section.Kind != JsonTypeInfoKind.Object)
                yield return (property.Name, (PropertyInfo)property.AttributeProvider!);
            else
                foreach (var key in section.Properties.Where(k => k.Get is not null))
                    yield return ($"{property.Name}.{key.Name}", (PropertyInfo)key.AttributeProvider!);
        }
    }

    /// <summary>The key of the config property <paramref name="property"/> reaches from a <see cref="TrainConfig"/>.</summary>
    /// <exception cref="ArgumentException">The expression is not a chain of serialised config properties.</exception>
    public static string Of<T>(Expression<Func<TrainConfig, T>> property) => Of((LambdaExpression)property);

    /// <summary>The keys of several properties joined by <c>" / "</c>, for a message about their combination.</summary>
    public static string Joined(params Expression<Func<TrainConfig, object?>>[] properties) =>
        string.Join(" / ", properties.Select(p => Of((LambdaExpression)p)));

    /// <summary>The key of a member chain from the lambda's parameter.</summary>
    public static string Of(LambdaExpression property)
    {
        var steps = new List<PropertyInfo>();
        var node = property.Body;
        while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
            node = convert.Operand;
        while (node is MemberExpression { Member: PropertyInfo info } member)
        {
            steps.Add(info);
            node = member.Expression;
        }
        if (node != property.Parameters[0] || steps.Count == 0)
            throw new ArgumentException($"{property} is not a chain of config properties from its parameter.", nameof(property));
        steps.Reverse();
        return string.Join('.', steps.Where(p => !p.IsDefined(typeof(JsonFlattenAttribute))).Select(Name));
    }

    /// <summary>The JSON name of <paramref name="property"/> in the loader's contract of its declaring type.</summary>
    public static string Name(PropertyInfo property) => Names.GetOrAdd(property, static p =>
    {
        JsonTypeInfo contract = ConfigLoader.Options.GetTypeInfo(p.ReflectedType ?? p.DeclaringType!);
        // An ignored property stays in the contract without a getter.
        var json = contract.Properties.FirstOrDefault(j => j.Get is not null && j.AttributeProvider is PropertyInfo a
                                                           && a.Name == p.Name && a.DeclaringType == p.DeclaringType);
        return json?.Name ?? throw new ArgumentException($"{p.DeclaringType?.Name}.{p.Name} is not a config key (not serialised).");
    });
}
