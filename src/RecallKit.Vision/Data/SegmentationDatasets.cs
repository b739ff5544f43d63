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
                return new SynthiaDataset(config.Root, split, config.Synthia.Void);
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.Kind, "unknown dataset kind.");
        }
    }

    /// <summary>Generates the synthetic scenes into <c>data.root</c> unless a complete set is there.</summary>
    public static void EnsureSynthetic(DataConfig config, TextWriter? log)
    {
        var synthetic = config.Synthetic;
        var marker = Path.Combine(config.Root, "frequencies.md");
        var parametersFile = Path.Combine(config.Root, "synthetic.txt");
        var parameters = $"train {synthetic.Train} val {synthetic.Val} size {config.Segmentation.CropWidth}x{config.Segmentation.CropHeight} seed {synthetic.Seed}"
                         + (synthetic.Confusability > 0 ? $" confusability {synthetic.Confusability.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
        if (File.Exists(marker))
        {
            // A set generated with other parameters would silently ignore data.synthetic_*; sets from before this file are accepted.
            if (File.Exists(parametersFile) && File.ReadAllText(parametersFile).Trim() is var existing && existing != parameters)
                throw new InvalidDataException(
                    $"{config.Root} holds synthetic scenes generated with {existing}, but the config asks for {parameters} (data.synthetic_train, data.synthetic_val, data.crop_width/height, data.synthetic_seed, data.synthetic_confusability); choose another data.root or delete that directory.");
            return;
        }
        log?.WriteLine($"generating {synthetic.Train} + {synthetic.Val} synthetic scenes of {config.Segmentation.CropWidth}×{config.Segmentation.CropHeight} in {config.Root} …");
        var frequencies = SyntheticScenes.Generate(config.Root, synthetic.Train, synthetic.Val, config.Segmentation.CropWidth, config.Segmentation.CropHeight, synthetic.Seed,
            synthetic.Confusability);
        File.WriteAllText(parametersFile, parameters + "\n");
        File.WriteAllText(marker, frequencies.ToTable());
        log?.WriteLine(frequencies.ToTable());
    }
}
