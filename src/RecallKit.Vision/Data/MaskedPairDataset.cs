using RecallKit.Vision.Data.Masks;

namespace RecallKit.Vision.Data;

/// <summary>
/// Image/label pairs whose labels are read in any supported encoding (<see cref="MaskFiles"/>) and mapped to train ids through
/// a <see cref="DatasetDescription"/>: the base of every layout of users' own data (folder, VOC, ADE20K, CamVid).
/// </summary>
public abstract class MaskedPairDataset : PairedFileDataset
{
    private readonly MaskDecoder decoder;

    /// <param name="pairs">Image and label paths, in a fixed order.</param>
    /// <param name="description">Classes and label encoding.</param>
    /// <param name="root">Dataset root (sample ids are relative to it).</param>
    protected MaskedPairDataset(IReadOnlyList<(string image, string label)> pairs, DatasetDescription description, string root)
        : base(pairs, description.Classes, root)
    {
        Description = description;
        decoder = new MaskDecoder(description.Classes, description.Masks);
    }

    /// <summary>Classes and label encoding.</summary>
    public DatasetDescription Description { get; }

    /// <inheritdoc />
    protected override string LabelSettings =>
        $"{Description.Masks}|{string.Join(",", Description.Classes.Names)}|{Description.Classes.IgnoreIndex}|" +
        (File.Exists(Description.Source) ? File.ReadAllText(Description.Source) : Description.Source);

    /// <inheritdoc />
    protected override (int[] labels, int width, int height) DecodeLabels(string path) => DecodeLabels(path, null);

    /// <inheritdoc />
    private protected override (int[] labels, int width, int height) DecodeLabels(string path, SampleBuffers? buffers)
    {
        var samples = MaskFiles.ReadSamples(path, buffers);
        return (decoder.Decode(samples, path, buffers), samples.Width, samples.Height);
    }

    /// <summary>The files of <paramref name="directory"/> whose names end with one of <paramref name="suffixes"/> (case-insensitive), sorted.</summary>
    protected static string[] FilesEndingWith(string directory, IReadOnlyList<string> suffixes) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => suffixes.Any(s => f.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal).ToArray();

    /// <summary>The stems listed in a split file (one per line; blank lines and <c>#</c> comments skipped; a line's first field).</summary>
    protected static string[] ReadList(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"split list {path} does not exist.", path);
        var stems = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]).ToArray();
        if (stems.Length == 0) throw new InvalidDataException($"split list {path} names no image.");
        return stems;
    }
}
