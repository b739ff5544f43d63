using RecallKit.Vision.Data.Layouts;
using RecallKit.Vision.Data.Synthetic;

namespace RecallKit.Vision.Data;

/// <summary>Opens segmentation datasets by kind and root.</summary>
public static class SegmentationDatasets
{
    /// <summary>
    /// Opens <paramref name="split"/> of the <paramref name="kind"/> dataset under <paramref name="root"/>. Synthetic scenes are read
    /// as they are: generate them first with <see cref="EnsureSynthetic"/>.
    /// </summary>
    /// <param name="kind">Dataset layout (a segmentation one).</param>
    /// <param name="root">Dataset root directory.</param>
    /// <param name="split">Split name.</param>
    /// <param name="synthia_void">SYNTHIA: ignore the void class or train it as a class.</param>
    /// <param name="folder_layout">The folder layout's directories and suffixes (default: images/, labels/).</param>
    public static ISegmentationDataset Open(DatasetKind kind, string root, string split, SynthiaVoid synthia_void = SynthiaVoid.Ignore,
        FolderLayout? folder_layout = null) => kind switch
    {
        DatasetKind.Synthetic => new FolderDataset(root, split),
        DatasetKind.Folder => new FolderDataset(root, split, folder_layout),
        DatasetKind.Voc => new VocDataset(root, split),
        DatasetKind.Ade20k => new Ade20kDataset(root, split),
        DatasetKind.Camvid => new CamVidDataset(root, split),
        DatasetKind.Cityscapes => new CityscapesDataset(root, split),
        DatasetKind.Synthia => new SynthiaDataset(root, split, synthia_void),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown dataset kind."),
    };

    /// <summary>Generates the synthetic scenes into <paramref name="root"/> unless a complete set is there.</summary>
    /// <param name="root">Dataset root directory.</param>
    /// <param name="train">Training scenes to generate.</param>
    /// <param name="val">Validation scenes to generate.</param>
    /// <param name="width">Scene width in pixels.</param>
    /// <param name="height">Scene height in pixels.</param>
    /// <param name="seed">Generator seed.</param>
    /// <param name="confusability">Probability that a rare object is painted in its background's colour.</param>
    /// <param name="log">Progress messages, or null.</param>
    public static void EnsureSynthetic(string root, int train, int val, int width, int height, int seed, double confusability, TextWriter? log)
    {
        var marker = Path.Combine(root, "frequencies.md");
        var parametersFile = Path.Combine(root, "synthetic.txt");
        var parameters = $"train {train} val {val} size {width}x{height} seed {seed}"
                         + (confusability > 0 ? $" confusability {confusability.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
        if (File.Exists(marker))
        {
            // A set generated with other parameters would silently ignore data.synthetic_*; sets from before this file are accepted.
            if (File.Exists(parametersFile) && File.ReadAllText(parametersFile).Trim() is var existing && existing != parameters)
                throw new InvalidDataException(
                    $"{root} holds synthetic scenes generated with {existing}, but the config asks for {parameters} (data.synthetic_train, data.synthetic_val, data.crop_width/height, data.synthetic_seed, data.synthetic_confusability); choose another data.root or delete that directory.");
            return;
        }
        log?.WriteLine($"generating {train} + {val} synthetic scenes of {width}×{height} in {root} …");
        var frequencies = SyntheticScenes.Generate(root, train, val, width, height, seed, confusability);
        File.WriteAllText(parametersFile, parameters + "\n");
        File.WriteAllText(marker, frequencies.ToTable());
        log?.WriteLine(frequencies.ToTable());
    }
}
