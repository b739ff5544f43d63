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
        if (File.Exists(marker)) return;
        log?.WriteLine($"generating {config.SyntheticTrain} + {config.SyntheticVal} synthetic scenes of {config.CropWidth}×{config.CropHeight} in {config.Root} …");
        var frequencies = SyntheticScenes.Generate(config.Root, config.SyntheticTrain, config.SyntheticVal, config.CropWidth, config.CropHeight, config.SyntheticSeed);
        File.WriteAllText(marker, frequencies.ToTable());
        log?.WriteLine(frequencies.ToTable());
    }
}
