namespace RecallKit.Vision.Data;

/// <summary>Training augmentation: random scale, random crop of a fixed size, horizontal flip, optional colour jitter.</summary>
/// <param name="CropWidth">Output width.</param>
/// <param name="CropHeight">Output height.</param>
/// <param name="ScaleMin">Smallest scale factor.</param>
/// <param name="ScaleMax">Largest scale factor.</param>
/// <param name="Flip">Flip horizontally with probability ½.</param>
/// <param name="ColorJitter">Random brightness, contrast and saturation in [0.8, 1.2].</param>
public sealed record AugmentationOptions(int CropWidth, int CropHeight, double ScaleMin = 1, double ScaleMax = 1, bool Flip = true, bool ColorJitter = false);
