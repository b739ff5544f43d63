using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Synthetic;

namespace RecallKit.Vision.Data;

/// <summary>Opens the split a config names.</summary>
public static class SegmentationDatasets
{
    /// <summary>Opens <paramref name="split"/> of the configured dataset; synthetic data is generated first when missing.</summary>
    public static ISegmentationDataset Open(DataConfig config, string split, TextWriter? log = null)
    {
        switch (config.Kind)
        {
            case DatasetKind.Synthetic:
                EnsureSynthetic(config, log);
                return new FolderDataset(config.Root, split);
            case DatasetKind.Folder:
                return new FolderDataset(config.Root, split);
            case DatasetKind.Cityscapes:
                return new CityscapesDataset(config.Root, split);
            case DatasetKind.Synthia:
                return new SynthiaDataset(config.Root, split, config.SynthiaVoid);
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.Kind, "unknown dataset kind.");
        }
    }

    /// <summary>Generates the synthetic scenes into <c>data.root</c> unless a complete set is there.</summary>
    public static void EnsureSynthetic(DataConfig config, TextWriter? log)
    {
        var marker = Path.Combine(config.Root, "frequencies.md");
        var parametersFile = Path.Combine(config.Root, "synthetic.txt");
        var parameters = $"train {config.SyntheticTrain} val {config.SyntheticVal} size {config.CropWidth}x{config.CropHeight} seed {config.SyntheticSeed}"
                         + (config.SyntheticConfusability > 0 ? $" confusability {config.SyntheticConfusability.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
        if (File.Exists(marker))
        {
            // A set generated with other parameters would silently ignore data.synthetic_*; sets from before this file are accepted.
            if (File.Exists(parametersFile) && File.ReadAllText(parametersFile).Trim() is var existing && existing != parameters)
                throw new InvalidDataException(
                    $"{config.Root} holds synthetic scenes generated with {existing}, but the config asks for {parameters} (data.synthetic_train, data.synthetic_val, data.crop_width/height, data.synthetic_seed, data.synthetic_confusability); choose another data.root or delete that directory.");
            return;
        }
        log?.WriteLine($"generating {config.SyntheticTrain} + {config.SyntheticVal} synthetic scenes of {config.CropWidth}×{config.CropHeight} in {config.Root} …");
        var frequencies = SyntheticScenes.Generate(config.Root, config.SyntheticTrain, config.SyntheticVal, config.CropWidth, config.CropHeight, config.SyntheticSeed,
            config.SyntheticConfusability);
        File.WriteAllText(parametersFile, parameters + "\n");
        File.WriteAllText(marker, frequencies.ToTable());
        log?.WriteLine(frequencies.ToTable());
    }
}
