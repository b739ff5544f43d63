using System.Text.Json.Serialization;

namespace RecallKit.Vision.Models;

/// <summary>Networks a config can name: segmentation networks and image classifiers.</summary>
public enum Architecture
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
    /// <summary>Classifier: three conv blocks for 28×28/32×32 images (Fashion-MNIST, CIFAR), trains in minutes on a CPU.</summary>
    SmallCnn,
    /// <summary>Classifier: CIFAR-style ResNet-32 (Cao et al. 2019): 3 stages of 5 basic blocks, 16/32/64 channels.</summary>
    [JsonStringEnumMemberName("resnet32_cifar")]
    ResNet32Cifar,
    /// <summary>Classifier: ResNet-10 (basic blocks 1-1-1-1, Kang et al. 2020), torchvision names.</summary>
    [JsonStringEnumMemberName("resnet10")]
    ResNet10,
    /// <summary>Classifier: torchvision ResNet-18.</summary>
    [JsonStringEnumMemberName("resnet18")]
    ResNet18,
    /// <summary>Classifier: torchvision ResNet-50.</summary>
    [JsonStringEnumMemberName("resnet50")]
    ResNet50,
    /// <summary>Classifier: torchvision ResNet-152.</summary>
    [JsonStringEnumMemberName("resnet152")]
    ResNet152,
}

/// <summary>Properties of <see cref="Architecture"/> values.</summary>
public static class ArchitectureInfo
{
    /// <summary>The task the network solves.</summary>
    public static TaskKind Task(this Architecture architecture) =>
        SegmentationModels.Builds(architecture)
            ? TaskKind.Segmentation
            : TaskKind.Classification;
}
