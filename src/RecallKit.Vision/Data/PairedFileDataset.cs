namespace RecallKit.Vision.Data;

/// <summary>A dataset of (image file, label file) pairs whose label decoding is specific to its layout.</summary>
public abstract class PairedFileDataset : ISegmentationDataset
{
    private readonly (string image, string label)[] pairs;

    /// <param name="pairs">Image and label paths, in a fixed order.</param>
    /// <param name="classes">Classes and ignore id.</param>
    /// <param name="root">Dataset root (sample ids are relative to it).</param>
    protected PairedFileDataset(IReadOnlyList<(string image, string label)> pairs, DatasetClasses classes, string root)
    {
        this.pairs = pairs.ToArray();
        Classes = classes;
        Root = root;
    }

    /// <summary>Dataset root.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public DatasetClasses Classes { get; }

    /// <inheritdoc />
    public int Count => pairs.Length;

    /// <summary>The label file of sample <paramref name="index"/>.</summary>
    public string LabelPath(int index) => pairs[index].label;

    /// <inheritdoc />
    public string Describe(int index) => $"{pairs[index].image} + {pairs[index].label}";

    /// <inheritdoc />
    public string LabelFingerprint
    {
        get
        {
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            void Add(string text) => hash.AppendData(System.Text.Encoding.UTF8.GetBytes(text + "\n"));
            Add(GetType().Name);
            Add(LabelSettings);
            foreach (var (_, label) in pairs)
            {
                var file = new FileInfo(label);
                Add(file.Exists ? $"{Path.GetRelativePath(Root, label)}|{file.Length}|{file.LastWriteTimeUtc.Ticks}" : $"{label}|missing");
            }
            return Convert.ToHexString(hash.GetHashAndReset());
        }
    }

    /// <summary>What else decides the train ids of a label file (e.g. the dataset description's text).</summary>
    protected virtual string LabelSettings => "";

    /// <inheritdoc />
    public LabeledImage Load(int index) => Load(index, null);

    /// <summary>
    /// Sample <paramref name="index"/>, decoded into <paramref name="buffers"/> when given: then valid only until this thread
    /// loads the next sample into them.
    /// </summary>
    internal LabeledImage Load(int index, SampleBuffers? buffers)
    {
        var (imagePath, labelPath) = pairs[index];
        var (rgb, imageWidth, imageHeight) = ImageFiles.ReadRgb(imagePath, buffers);
        var (labels, width, height) = DecodeLabels(labelPath, buffers);
        if (imageWidth != width || imageHeight != height)
            throw new InvalidDataException($"image {imagePath} is {imageWidth}×{imageHeight} but its label {labelPath} is {width}×{height}.");
        return new LabeledImage(Path.GetRelativePath(Root, imagePath), width, height, rgb, labels);
    }

    /// <summary>Train ids per pixel (ignore id where unlabeled) of a label file.</summary>
    protected abstract (int[] labels, int width, int height) DecodeLabels(string path);

    /// <summary>As <see cref="DecodeLabels(string)"/>, into <paramref name="buffers"/> where the layout can.</summary>
    private protected virtual (int[] labels, int width, int height) DecodeLabels(string path, SampleBuffers? buffers) => DecodeLabels(path);
}
