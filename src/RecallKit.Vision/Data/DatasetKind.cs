using System.Text.Json.Serialization;

namespace RecallKit.Vision.Data;

/// <summary>Which dataset layout to read.</summary>
public enum DatasetKind
{
    /// <summary>The built-in synthetic driving scenes (generated into the dataset root when missing).</summary>
    Synthetic,
    /// <summary>The generic folder layout: dataset.json, images/&lt;split&gt;, labels/&lt;split&gt;.</summary>
    Folder,
    /// <summary>Pascal VOC 2012 (and SBD-augmented, CVAT/Datumaro VOC exports): JPEGImages, SegmentationClass, ImageSets/Segmentation lists.</summary>
    [JsonStringEnumMemberName("voc")]
    Voc,
    /// <summary>ADE20K (ADEChallengeData2016): images/ and annotations/ {training, validation}, reduce_zero_label.</summary>
    [JsonStringEnumMemberName("ade20k")]
    Ade20k,
    /// <summary>CamVid: &lt;split&gt;/ and &lt;split&gt;_labels/ with class_dict.csv (RGB labels).</summary>
    [JsonStringEnumMemberName("camvid")]
    Camvid,
    /// <summary>Cityscapes leftImg8bit + gtFine.</summary>
    Cityscapes,
    /// <summary>SYNTHIA SEQS (RGB + 16-bit GT/LABELS).</summary>
    Synthia,
    /// <summary>Classification: Fashion-MNIST IDX files, training split made long-tailed (imbalance ratio n_max / n_min), test split balanced.</summary>
    [JsonStringEnumMemberName("fashion_mnist_lt")]
    FashionMnistLt,
    /// <summary>Classification: CIFAR-10 binary files, long-tailed training split.</summary>
    [JsonStringEnumMemberName("cifar10_lt")]
    Cifar10Lt,
    /// <summary>Classification: CIFAR-100 binary files, long-tailed training split.</summary>
    [JsonStringEnumMemberName("cifar100_lt")]
    Cifar100Lt,
    /// <summary>Classification: root/&lt;split&gt;/&lt;class&gt;/images.</summary>
    ImageFolder,
    /// <summary>Classification: Places-LT / ImageNet-LT list files (<c>path label</c>) under an image root.</summary>
    [JsonStringEnumMemberName("places_lt")]
    PlacesLt,
    /// <summary>Classification: iNaturalist 2018 COCO-style JSON (train2018.json, val2018.json).</summary>
    [JsonStringEnumMemberName("inaturalist")]
    INaturalist,
}

/// <summary>Properties of <see cref="DatasetKind"/> values.</summary>
public static class DatasetKinds
{
    /// <summary>What the labels of a <paramref name="kind"/> dataset are: a class per pixel or per image.</summary>
    public static TaskKind Task(this DatasetKind kind) =>
        kind is DatasetKind.FashionMnistLt or DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt or DatasetKind.ImageFolder
            or DatasetKind.PlacesLt or DatasetKind.INaturalist
            ? TaskKind.Classification
            : TaskKind.Segmentation;
}
