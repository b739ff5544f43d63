namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// torchvision's ImageFolder layout: <c>root/&lt;split&gt;/&lt;class&gt;/*.jpg|png|…</c>; classes are the training split's
/// folder names in ordinal order.
/// </summary>
public static class ImageFolder
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"];

    /// <summary>The class folders of <paramref name="splitDirectory"/>, sorted.</summary>
    public static string[] ClassNames(string splitDirectory)
    {
        if (!Directory.Exists(splitDirectory))
            throw new DirectoryNotFoundException($"{splitDirectory} does not exist; expected root/<split>/<class>/<image files>.");
        var names = Directory.GetDirectories(splitDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0) throw new InvalidDataException($"{splitDirectory} has no class folder; expected root/<split>/<class>/<image files>.");
        return names;
    }

    /// <summary>Images and labels of a split, labelled by <paramref name="classNames"/> (a folder not among them is an error).</summary>
    public static (string[] Paths, int[] Labels) Read(string splitDirectory, IReadOnlyList<string> classNames)
    {
        var known = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var paths = new List<string>();
        var labels = new List<int>();
        foreach (var folder in ClassNames(splitDirectory))
        {
            if (!known.TryGetValue(folder, out int label))
                throw new InvalidDataException($"{Path.Combine(splitDirectory, folder)}: class '{folder}' is not one of the training classes.");
            foreach (var file in Directory.EnumerateFiles(Path.Combine(splitDirectory, folder)).Order(StringComparer.Ordinal))
            {
                if (!Extensions.Contains(Path.GetExtension(file).ToLowerInvariant())) continue;
                paths.Add(file);
                labels.Add(label);
            }
        }
        if (paths.Count == 0) throw new InvalidDataException($"{splitDirectory} holds no image ({string.Join(", ", Extensions)}).");
        return (paths.ToArray(), labels.ToArray());
    }
}
