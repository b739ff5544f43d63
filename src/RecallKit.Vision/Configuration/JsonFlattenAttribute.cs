namespace RecallKit.Vision.Configuration;

/// <summary>
/// The property's own properties are read and written as keys of the enclosing JSON object, e.g. <c>"loss": {"gamma": 2}</c> for
/// <c>LossConfig.Focal.Gamma</c>; applied by <see cref="JsonFlattening.Modifier"/>. The property must be initialised per instance.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class JsonFlattenAttribute : Attribute;
