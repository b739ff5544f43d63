using System.Globalization;

namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// The list files of Places-LT and ImageNet-LT (Liu et al. 2019: <c>Places_LT_train.txt</c>, …): one <c>relative/path label</c>
/// per line, paths relative to an image root. Class names come from the image directories (<c>/a/airfield/…</c> → airfield).
/// </summary>
public static class LabelListFile
{
    /// <summary>A parsed list: image paths (under <c>imageRoot</c>) and labels.</summary>
    public sealed record Entries(string[] Paths, int[] Labels, string[] RelativePaths);

    /// <summary>Reads <paramref name="listPath"/>; a malformed line is an error naming the file and line number.</summary>
    public static Entries Read(string listPath, string imageRoot)
    {
        if (!File.Exists(listPath))
            throw new FileNotFoundException($"list file {listPath} does not exist (expected lines \"relative/path.jpg label\", e.g. Places_LT_train.txt).", listPath);
        var paths = new List<string>();
        var relative = new List<string>();
        var labels = new List<int>();
        int number = 0;
        foreach (var raw in File.ReadLines(listPath))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            int split = line.LastIndexOfAny([' ', '\t']);
            if (split <= 0 || !int.TryParse(line.AsSpan(split + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int label))
                throw new InvalidDataException($"{listPath}:{number}: expected \"relative/path label\" with a non-negative integer label, got \"{raw}\".");
            var path = line[..split].Trim();
            relative.Add(path);
            paths.Add(Path.Combine(imageRoot, path.TrimStart('/')));
            labels.Add(label);
        }
        if (paths.Count == 0) throw new InvalidDataException($"{listPath} lists no image.");
        return new Entries(paths.ToArray(), labels.ToArray(), relative.ToArray());
    }

    /// <summary>
    /// Class names for ids 0 … <paramref name="classes"/>−1 from the directory of the first image of each class, without
    /// split folders (train/val/test) and Places' one-letter bucket (<c>/a/</c>); classes never listed are <c>class_k</c>.
    /// </summary>
    public static string[] ClassNames(Entries entries, int classes)
    {
        var names = new string?[classes];
        for (int i = 0; i < entries.Labels.Length; i++)
        {
            int c = entries.Labels[i];
            if (c >= classes || names[c] is not null) continue;
            var segments = (Path.GetDirectoryName(entries.RelativePaths[i].TrimStart('/')) ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Where(s => s.Length > 1 && s is not ("train" or "val" or "test"));
            var name = string.Join('/', segments);
            names[c] = name.Length > 0 ? name : null;
        }
        return names.Select((n, c) => n ?? $"class_{c}").ToArray();
    }
}
