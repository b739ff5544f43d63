namespace RecallKit.Vision.Models;

/// <summary>Segmentation networks a config can name (placeholder until the models land).</summary>
public enum SegmentationArchitecture
{
    /// <summary>Tiny encoder–decoder for CPU demos.</summary>
    LiteSeg,
    /// <summary>DeepLabV3+ on ResNet-18.</summary>
    DeepLabV3PlusResNet18,
    /// <summary>DeepLabV3+ on ResNet-34.</summary>
    DeepLabV3PlusResNet34,
    /// <summary>DeepLabV3+ on ResNet-50.</summary>
    DeepLabV3PlusResNet50,
    /// <summary>DeepLabV3+ on ResNet-101.</summary>
    DeepLabV3PlusResNet101,
}
