using System.Text.Json;
using System.Text.Json.Serialization;

namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// iNaturalist 2018's COCO-style annotation files (<c>train2018.json</c>, <c>val2018.json</c>): <c>images[]</c> with
/// <c>id</c> and <c>file_name</c> (relative to the dataset root), <c>annotations[]</c> with <c>image_id</c> and
/// <c>category_id</c>, optionally <c>categories[]</c> with <c>id</c> and <c>name</c>. Category ids become class ids in
/// ascending order (iNat 2018: 0 … 8141 map to themselves).
/// </summary>
public static class INaturalistJson
{
    private sealed record ImageEntry([property: JsonPropertyName("id")] long Id, [property: JsonPropertyName("file_name")] string? FileName);
    private sealed record Annotation([property: JsonPropertyName("image_id")] long ImageId, [property: JsonPropertyName("category_id")] long CategoryId);
    private sealed record Category([property: JsonPropertyName("id")] long Id, [property: JsonPropertyName("name")] string? Name);
    private sealed record Document(
        [property: JsonPropertyName("images")] ImageEntry[]? Images,
        [property: JsonPropertyName("annotations")] Annotation[]? Annotations,
        [property: JsonPropertyName("categories")] Category[]? Categories);

    /// <summary>Parsed annotations: image paths, class ids, class names and the category id of each class.</summary>
    public sealed record Entries(string[] Paths, int[] Labels, string[] ClassNames, long[] CategoryIds);

    /// <summary>Reads <paramref name="jsonPath"/>; with <paramref name="categoryIds"/> (from the training file) the class ids follow them.</summary>
    public static Entries Read(string jsonPath, string imageRoot, IReadOnlyList<long>? categoryIds = null, IReadOnlyList<string>? classNames = null)
    {
        if (!File.Exists(jsonPath))
            throw new FileNotFoundException($"annotation file {jsonPath} does not exist (iNaturalist 2018: train2018.json / val2018.json in the dataset root).", jsonPath);
        Document document;
        try
        {
            using var stream = File.OpenRead(jsonPath);
            document = JsonSerializer.Deserialize<Document>(stream) ?? throw new InvalidDataException($"{jsonPath} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{jsonPath}: not a COCO-style annotation file ({e.Message}).", e);
        }
        var images = document.Images ?? throw new InvalidDataException($"{jsonPath} has no \"images\" array.");
        var annotations = document.Annotations ?? throw new InvalidDataException($"{jsonPath} has no \"annotations\" array.");
        var fileById = new Dictionary<long, string>(images.Length);
        foreach (var image in images)
        {
            if (string.IsNullOrEmpty(image.FileName)) throw new InvalidDataException($"{jsonPath}: image {image.Id} has no file_name.");
            if (!fileById.TryAdd(image.Id, image.FileName)) throw new InvalidDataException($"{jsonPath}: image id {image.Id} appears twice.");
        }

        var ids = categoryIds?.ToArray() ?? annotations.Select(a => a.CategoryId)
            .Concat(document.Categories?.Select(c => c.Id) ?? []).Distinct().Order().ToArray();
        var classOf = ids.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        var names = classNames?.ToArray() ?? ids.Select(id =>
            document.Categories?.FirstOrDefault(c => c.Id == id)?.Name ?? $"category_{id}").ToArray();

        var paths = new string[annotations.Length];
        var labels = new int[annotations.Length];
        for (int i = 0; i < annotations.Length; i++)
        {
            var a = annotations[i];
            if (!fileById.TryGetValue(a.ImageId, out var file))
                throw new InvalidDataException($"{jsonPath}: annotation {i} refers to image {a.ImageId}, which is not in \"images\".");
            if (!classOf.TryGetValue(a.CategoryId, out labels[i]))
                throw new InvalidDataException($"{jsonPath}: annotation {i} has category {a.CategoryId}, which the training annotations do not have.");
            paths[i] = Path.Combine(imageRoot, file);
        }
        if (paths.Length == 0) throw new InvalidDataException($"{jsonPath} has no annotation.");
        return new Entries(paths, labels, names, ids);
    }
}
