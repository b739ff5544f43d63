using System.Text.Json.Serialization;

namespace RecallKit.Vision.Models;

/// <summary>Segmentation networks a config can name.</summary>
public enum SegmentationArchitecture
{
    /// <summary>Tiny encoder–decoder for CPU demos.</summary>
    LiteSeg,
    /// <summary>DeepLabV3+ on ResNet-18.</summary>
    [JsonStringEnumMemberName("deeplabv3plus_resnet18")]
    DeepLabV3PlusResNet18,
    /// <summary>DeepLabV3+ on ResNet-34.</summary>
    [JsonStringEnumMemberName("deeplabv3plus_resnet34")]
    DeepLabV3PlusResNet34,
    /// <summary>DeepLabV3+ on ResNet-50.</summary>
    [JsonStringEnumMemberName("deeplabv3plus_resnet50")]
    DeepLabV3PlusResNet50,
    /// <summary>DeepLabV3+ on ResNet-101.</summary>
    [JsonStringEnumMemberName("deeplabv3plus_resnet101")]
    DeepLabV3PlusResNet101,
}
