namespace RecallKit.Vision.Data.Layouts;

/// <summary>
/// CamVid as distributed with a <c>class_dict.csv</c>: images in <c>&lt;split&gt;/</c>, RGB labels in
/// <c>&lt;split&gt;_labels/&lt;stem&gt;_L.png</c> (or <c>&lt;stem&gt;.png</c>); SegNet's variant with id labels in
/// <c>&lt;split&gt;annot/&lt;stem&gt;.png</c> is read too. Classes from <c>class_dict.csv</c> (a <c>void</c> class is the
/// ignore colour) or a <c>dataset.json</c>.
/// </summary>
public sealed class CamVidDataset : MaskedPairDataset
{
    /// <summary>Expected layout, for messages.</summary>
    public const string Layout = "  <root>/class_dict.csv  (name,r,g,b; or dataset.json)\n  <root>/<split>/<name>.png\n  <root>/<split>_labels/<name>_L.png  (or <split>annot/<name>.png)";

    /// <param name="root">CamVid root.</param>
    /// <param name="split">train, val or test.</param>
    public CamVidDataset(string root, string split) : base(FindPairs(root, split), DatasetDescription.Read(root, Layout), root)
    {
    }

    private static List<(string, string)> FindPairs(string root, string split)
    {
        var imageDir = Path.Combine(root, split);
        var labelDir = new[] { $"{split}_labels", $"{split}annot" }.Select(d => Path.Combine(root, d)).FirstOrDefault(Directory.Exists);
        if (!Directory.Exists(imageDir) || labelDir is null)
            throw new DirectoryNotFoundException($"{root}: split '{split}' not found. Expected layout:\n{Layout}");
        var images = FilesEndingWith(imageDir, [".png", ".jpg", ".jpeg"]);
        if (images.Length == 0) throw new InvalidDataException($"{imageDir} holds no .png or .jpg image (split '{split}' is empty).");
        var pairs = new List<(string, string)>();
        foreach (var image in images)
        {
            var stem = Path.GetFileNameWithoutExtension(image);
            var label = new[] { $"{stem}_L.png", $"{stem}.png" }.Select(n => Path.Combine(labelDir, n)).FirstOrDefault(File.Exists)
                        ?? throw new FileNotFoundException($"label {Path.Combine(labelDir, stem + "_L.png")} (or {stem}.png) for image {image} does not exist.",
                            Path.Combine(labelDir, stem + "_L.png"));
            pairs.Add((image, label));
        }
        return pairs;
    }
}
