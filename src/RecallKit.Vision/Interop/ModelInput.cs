using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Interop;

/// <summary>The input a network trained with a config expects, as the exported model descriptions record it.</summary>
/// <param name="Channels">Image channels (1 for Fashion-MNIST).</param>
/// <param name="Mean">Per-channel mean of the normalisation <c>(pixel / 255 − mean) / std</c>.</param>
/// <param name="Std">Per-channel standard deviation of the normalisation.</param>
/// <param name="ImageSize">Classification: the square input size; null for segmentation (any size).</param>
/// <param name="ResizeShorter">Classification on image files: the shorter side before the centre crop; 0 otherwise.</param>
internal sealed record ModelInput(int Channels, float[] Mean, float[] Std, int? ImageSize, int ResizeShorter)
{
    /// <summary>The input of the network <paramref name="config"/> trains.</summary>
    public static ModelInput Of(TrainConfig config)
    {
        if (config.Model.Architecture.Task() == TaskKind.Segmentation)
            return new(3, [.. SegmentationTransforms.Mean], [.. SegmentationTransforms.Std], null, 0);
        var input = ClassificationDatasets.Augmentation(config.Data.Kind, config.Data.Flip, config.Data.ClassificationInput.ImageSize);
        return new(ClassificationDatasets.Channels(config.Data.Kind), [.. input.Mean], [.. input.Std], input.Size,
            input.Padding == 0 && config.Data.ImageFiles.ResizeShorterOrDefault() > 0 ? config.Data.ImageFiles.ResizeShorterOrDefault() : 0);
    }
}
