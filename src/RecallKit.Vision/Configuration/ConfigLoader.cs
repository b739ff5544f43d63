using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace RecallKit.Vision.Configuration;

/// <summary>Reads a <see cref="TrainConfig"/> from JSON with <c>key=value</c> overrides; unknown keys are errors.</summary>
public static class ConfigLoader
{
    /// <summary>snake_case keys, snake_case enum values, comments and trailing commas allowed; option records flattened.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { JsonFlattening.Modifier, LossSectionJson.Modifier } },
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Loads <paramref name="path"/> (or the defaults when null), applies overrides such as <c>loss.kind=recall</c>, validates.</summary>
    /// <param name="path">The JSON file, or null for the defaults.</param>
    /// <param name="overrides"><c>key=value</c> assignments applied on top.</param>
    /// <param name="shared">Keys of a comparison's shared base: a variant that does not read one of them is not an error.</param>
    public static TrainConfig Load(string? path, IEnumerable<string>? overrides = null, IReadOnlySet<string>? shared = null)
    {
        JsonNode root;
        if (path is null)
        {
            root = new JsonObject();
        }
        else
        {
            if (!File.Exists(path)) throw new ConfigException($"config file {path} does not exist.");
            try
            {
                root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
                {
                    CommentHandling = JsonCommentHandling.Skip,
                    AllowTrailingCommas = true,
                    AllowDuplicateProperties = false,
                }) ?? new JsonObject();
            }
            catch (JsonException e)
            {
                throw new ConfigException($"{path}: not valid JSON ({e.Message}).");
            }
        }
        if (root is not JsonObject obj) throw new ConfigException($"{path}: the top level must be a JSON object.");
        return Load(obj, path, overrides, shared);
    }

    /// <summary>
    /// <see cref="Load(string?, IEnumerable{string}?, IReadOnlySet{string}?)"/> for a config already in memory (e.g. a comparison's
    /// base): <paramref name="json"/> itself is not changed.
    /// </summary>
    /// <param name="json">The config's JSON object.</param>
    /// <param name="source">What messages call it (a file name, <c>base</c>), or null for the defaults.</param>
    /// <param name="overrides"><c>key=value</c> assignments applied on top.</param>
    /// <param name="shared">Keys of a comparison's shared base: a variant that does not read one of them is not an error.</param>
    public static TrainConfig Load(
        JsonObject json, string? source, IEnumerable<string>? overrides = null, IReadOnlySet<string>? shared = null)
    {
        string? path = source;
        var obj = json.DeepClone().AsObject();
        foreach (var assignment in overrides ?? [])
            ApplyOverride(obj, assignment);
        LossSectionJson.CheckTerms(obj, path ?? "(defaults)", shared);
        CheckNumbersFinite(obj, path ?? "(defaults)", "");
        CheckKeys(obj, typeof(TrainConfig), path ?? "(defaults)", "");
        TrainConfig config;
        try
        {
            config = obj.Deserialize<TrainConfig>(Options) ?? new TrainConfig();
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path ?? "config"}: {Describe(e)}");
        }
        // Validated as written (an explicit resize_shorter on CIFAR is an error even at 256), then spelled one way.
        if (HoldsPre2026_12Pair(config.Data))
            throw new ConfigException(
                $"{path ?? "config"}: data.image_size = 224 with data.resize_shorter = 256 on {Name(config.Data.Kind)} is what run records written before 2026-12 " +
                $"hold for every dataset, where the pair had no effect (the images stayed {Data.Classification.ClassificationDatasets.NativeSize(config.Data.Kind)} pixels); " +
                "today image_size resizes these images. Remove both keys to keep their own size, or keep image_size alone to resize them.");
        ConfigValidation.ThrowIfInvalid(config, shared);
        return Normalized(config, recordedBefore2026_12: false);
    }

    /// <summary>The config as indented JSON (what a run records next to its checkpoints).</summary>
    public static string ToJson(TrainConfig config) => JsonSerializer.Serialize(config, Options);

    private static readonly JsonSerializerOptions OneLine = new(Options) { WriteIndented = false };

    /// <summary>The config as one line of JSON, the first line a data worker reads; <see cref="FromJson"/> reads it.</summary>
    public static string ToJsonLine(TrainConfig config) => JsonSerializer.Serialize(config, OneLine);

    /// <summary>Parses JSON text written by <see cref="ToJson"/>.</summary>
    public static TrainConfig FromJson(string json) =>
        Normalized(JsonSerializer.Deserialize<TrainConfig>(json, Options) ?? throw new ConfigException("empty config JSON."), recordedBefore2026_12: true);

    /// <summary>Fashion-MNIST or CIFAR with image_size 224 and resize_shorter 256: what every run record held before 2026-12.</summary>
    private static bool HoldsPre2026_12Pair(DataConfig d) =>
        d.Kind is Data.DatasetKind.FashionMnistLt or Data.DatasetKind.Cifar10Lt or Data.DatasetKind.Cifar100Lt
        && d.ClassificationInput.ImageSize == 224 && d.ImageFiles.ResizeShorter == Data.Classification.ClassificationDatasets.DefaultResizeShorter;

    /// <summary>
    /// One spelling per meaning, so that configs compare equal when they train the same: an input size equal to the dataset's
    /// own and a resize_shorter of 256 become null (their defaults). Run records (config.json, checkpoints) written before
    /// image_size applied to Fashion-MNIST and CIFAR (2026-12) hold image_size 224 and resize_shorter 256 for every dataset,
    /// where they had no effect: read as a record (<paramref name="recordedBefore2026_12"/>), that pair means "not set" for those
    /// datasets. A config a user loads is never read so: resize_shorter there is refused by validation for these datasets.
    /// </summary>
    internal static TrainConfig Normalized(TrainConfig config, bool recordedBefore2026_12)
    {
        var d = config.Data;
        int? size = d.ClassificationInput.ImageSize, shorter = d.ImageFiles.ResizeShorter;
        if (recordedBefore2026_12 && HoldsPre2026_12Pair(d)) size = null;
        if (size == Data.Classification.ClassificationDatasets.NativeSize(d.Kind)) size = null;
        if (shorter == Data.Classification.ClassificationDatasets.DefaultResizeShorter) shorter = null;
        if (size == d.ClassificationInput.ImageSize && shorter == d.ImageFiles.ResizeShorter) return config;
        return config with
        {
            Data = d with { ClassificationInput = d.ClassificationInput with { ImageSize = size }, ImageFiles = d.ImageFiles with { ResizeShorter = shorter } },
        };
    }

    private static void ApplyOverride(JsonObject root, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new ConfigException($"override '{assignment}' must look like key.path=value (e.g. loss.kind=recall).");
        var path = assignment[..eq].Trim().Split('.');
        var text = assignment[(eq + 1)..].Trim();
        JsonObject node = root;
        for (int i = 0; i < path.Length - 1; i++)
        {
            if (node[path[i]] is not JsonObject child)
            {
                child = new JsonObject();
                node[path[i]] = child;
            }
            node = child;
        }
        node[path[^1]] = ParseValue(text);
    }

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text); // a bare word such as recall or runs/x is a string
        }
    }

    private static void CheckKeys(JsonObject obj, Type type, string source, string prefix)
    {
        var properties = Options.GetTypeInfo(type).Properties.ToDictionary(p => p.Name, p => p);
        foreach (var (key, value) in obj)
        {
            if (!properties.TryGetValue(key, out var property))
                throw new ConfigException(
                    $"{source}: unknown key '{prefix}{key}'. Valid keys{(prefix.Length > 0 ? $" in '{prefix.TrimEnd('.')}'" : "")}: {string.Join(", ", properties.Keys.Order())}.");
            if (value is JsonObject child && IsSection(property.PropertyType))
                CheckKeys(child, property.PropertyType, source, prefix + key + ".");
            else if (value is JsonArray list && property.PropertyType.GetElementType() is { } element && IsSection(element))
            {
                for (int i = 0; i < list.Count; i++)
                    if (list[i] is JsonObject item) CheckKeys(item, element, source, $"{prefix}{key}[{i}].");
            }
            else if ((Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) is { IsEnum: true } enumType)
            {
                var names = EnumNames(enumType);
                bool valid = value is null ? Nullable.GetUnderlyingType(property.PropertyType) is not null
                    : value.GetValueKind() == JsonValueKind.String && names.Contains((string)value!);
                if (!valid)
                    throw new ConfigException(
                        $"{source}: {prefix}{key} = {value?.ToJsonString() ?? "null"} is not valid; it must be one of: {string.Join(", ", names)}" +
                        (Nullable.GetUnderlyingType(property.PropertyType) is not null ? " (or null)." : "."));
            }
        }
    }

    /// <summary>A number beyond the range of a double (e.g. <c>1e999</c>) is an error naming its key, not an infinite setting.</summary>
    private static void CheckNumbersFinite(JsonNode? node, string source, string key)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj) CheckNumbersFinite(child, source, key.Length == 0 ? name : $"{key}.{name}");
                break;
            case JsonArray list:
                for (int i = 0; i < list.Count; i++) CheckNumbersFinite(list[i], source, $"{key}[{i}]");
                break;
            // The JSON text, not TryGetValue<double>: a node built in code holds an int or a double, not a JsonElement.
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number
                                      && !(double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                                           && double.IsFinite(number)):
                throw new ConfigException($"{source}: {key} = {value.ToJsonString()} is not valid: expected a finite number.");
        }
    }

    /// <summary>The config-file spellings of every value of <paramref name="enumType"/>, in declaration order.</summary>
    public static IReadOnlyList<string> EnumNames(Type enumType) =>
        Enum.GetValues(enumType).Cast<object>().Select(v => JsonSerializer.Serialize(v, enumType, Options).Trim('"')).ToArray();

    /// <summary>The type a dotted config key holds, or null when there is no such key.</summary>
    private static Type? TypeAt(string dotted)
    {
        Type type = typeof(TrainConfig);
        foreach (var part in dotted.Split('.'))
        {
            int index = part.IndexOf('[');
            var name = index < 0 ? part : part[..index];
            var property = Options.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == name);
            if (property is null) return null;
            // a list's element: terms[1]
            type = index < 0 ? property.PropertyType : property.PropertyType.GetElementType() ?? property.PropertyType;
        }
        return type;
    }

    private static bool IsSection(Type type) => type.IsClass && type != typeof(string) && type.Namespace == typeof(TrainConfig).Namespace;

    private static string Describe(JsonException e)
    {
        var key = string.IsNullOrEmpty(e.Path) ? null : e.Path.TrimStart('$', '.');
        var type = key is null ? null : TypeAt(key);
        var underlying = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var expected = underlying is null ? "another type"
            : underlying == typeof(int) || underlying == typeof(long) ? "a whole number"
            : underlying == typeof(double) || underlying == typeof(float) ? "a number"
            : underlying == typeof(bool) ? "true or false"
            : underlying == typeof(string) ? "a string"
            : underlying.IsEnum ? $"one of: {string.Join(", ", EnumNames(underlying))}"
            : underlying.IsArray || underlying.IsGenericType ? "a list" : "an object";
        return $"the value at '{key ?? "(top level)"}' has the wrong type; expected {expected}{(type is not null && Nullable.GetUnderlyingType(type) is not null ? " (or null)" : "")}.";
    }

    /// <summary>The config-file spelling of an enum value (e.g. <c>fashion_mnist_lt</c>, <c>deeplabv3plus_resnet18</c>).</summary>
    public static string Name<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, Options).Trim('"');
}
