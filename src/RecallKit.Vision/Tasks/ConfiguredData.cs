using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Tasks;

/// <summary>Opens the dataset a <see cref="DataConfig"/> names: the mapping of config keys onto the data layer's parameters.</summary>
public static class ConfiguredData
{
    /// <summary>Opens <paramref name="split"/> of the configured segmentation dataset; synthetic data is generated first when missing.</summary>
    public static ISegmentationDataset Segmentation(DataConfig config, string split, TextWriter? log = null)
    {
        if (config.Kind == DatasetKind.Synthetic)
        {
            var synthetic = config.Synthetic;
            SegmentationDatasets.EnsureSynthetic(config.Root, synthetic.Train, synthetic.Val, config.Segmentation.CropWidth,
                config.Segmentation.CropHeight, synthetic.Seed, synthetic.Confusability, log);
        }
        return SegmentationDatasets.Open(config.Kind, config.Root, split, config.Synthia.Void, config.FolderLayout.ToLayout());
    }

    /// <summary>Input size, padding and normalisation of <paramref name="config"/>'s classification dataset (needs no file).</summary>
    public static ClassificationAugmentation Augmentation(DataConfig config) =>
        ClassificationDatasets.Augmentation(config.Kind, config.Flip, config.ClassificationInput.ImageSize);

    /// <summary>Both splits of <paramref name="config"/>'s classification dataset.</summary>
    public static ClassificationData Classification(DataConfig config) =>
        ClassificationDatasets.Open(config.Kind, config.Root, config.TrainSplit, config.ValSplit, Augmentation(config),
            config.LongTail.ImbalanceRatio, config.ImageFiles.ResizeShorterOrDefault());
}
