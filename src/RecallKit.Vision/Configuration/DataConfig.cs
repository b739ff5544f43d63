using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>Whether a data worker process prepares batches ahead of the trainer.</summary>
public enum PrefetchMode
{
    /// <summary>On with CUDA, or when <c>threads</c> leaves cores free; off when libtorch uses every core.</summary>
    Auto,
    /// <summary>Always.</summary>
    On,
    /// <summary>Never: decode in the training process, in parallel, between steps.</summary>
    Off,
}

/// <summary>
/// Dataset location, augmentation and batching; the settings of particular datasets are in option records whose keys sit
/// directly under <c>"data"</c> (<see cref="JsonFlattenAttribute"/>) and are errors with other datasets.
/// </summary>
/// <remarks>
/// The <see cref="JsonPropertyOrderAttribute"/> numbers here and in the option records keep the key order of configs written
/// before the split; a new key takes the next number.
/// </remarks>
public sealed record DataConfig
{
    /// <summary>Dataset layout.</summary>
    [JsonPropertyOrder(0)]
    public DatasetKind Kind { get; init; } = DatasetKind.Synthetic;

    /// <summary>Dataset root directory.</summary>
    [JsonPropertyOrder(1)]
    public string Root { get; init; } = "data/synthetic";

    /// <summary>Training split: a folder name, or for places_lt / inaturalist a list / JSON file (relative to the root or absolute).</summary>
    [JsonPropertyOrder(2)]
    public string TrainSplit { get; init; } = "train";

    /// <summary>Validation split name.</summary>
    [JsonPropertyOrder(3)]
    public string ValSplit { get; init; } = "val";

    /// <summary>Segmentation: crop size, scaling and colour jitter.</summary>
    [JsonFlatten]
    public SegmentationAugmentationOptions Segmentation { get; init; } = new();

    /// <summary>Random horizontal flips.</summary>
    [JsonPropertyOrder(8)]
    public bool Flip { get; init; } = true;

    /// <summary>Images per training batch.</summary>
    [JsonPropertyOrder(10)]
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Prepare the next training batch in a data worker process while the model trains (the <c>recallkit</c> command; a library
    /// caller without a worker launcher loads data in the training process). <c>auto</c>: on with CUDA or spare cores.
    /// </summary>
    [JsonPropertyOrder(11)]
    [MayChangeOnResume("only which process prepares the (identical) batches")]
    public PrefetchMode Prefetch { get; init; } = PrefetchMode.Auto;

    /// <summary>
    /// Data worker processes when a worker prefetches (≥ 1): worker i prepares every K-th batch, the trainer takes them in
    /// order, so the batches are the same whatever K. Up to K batches are prepared ahead.
    /// </summary>
    [JsonPropertyOrder(27)]
    [MayChangeOnResume("only which process prepares the (identical) batches")]
    public int Workers { get; init; } = 1;

    /// <summary>Skip (and count) images or labels that cannot be decoded or are inconsistent, instead of stopping.</summary>
    [JsonPropertyOrder(12)]
    public bool SkipBadFiles { get; init; }

    /// <summary>Images per evaluation batch.</summary>
    [JsonPropertyOrder(13)]
    [MayChangeOnResume("only how many images an evaluation batch holds; the metrics are the same")]
    public int EvalBatchSize { get; init; } = 8;

    /// <summary>The built-in synthetic scenes.</summary>
    [JsonFlatten]
    public SyntheticDataOptions Synthetic { get; init; } = new();

    /// <summary>SYNTHIA.</summary>
    [JsonFlatten]
    public SynthiaOptions Synthia { get; init; } = new();

    /// <summary>Fashion-MNIST-LT, CIFAR-10-LT, CIFAR-100-LT.</summary>
    [JsonFlatten]
    public LongTailOptions LongTail { get; init; } = new();

    /// <summary>Classification: how training samples are drawn.</summary>
    [JsonPropertyOrder(20)]
    public SamplerKind Sampler { get; init; } = SamplerKind.Uniform;

    /// <summary>Repeat-factor sampling of segmentation training images (<c>data.repeat_threshold</c>).</summary>
    [JsonFlatten]
    public RepeatFactorOptions RepeatFactor { get; init; } = new();

    /// <summary>The folder layout's directories and suffixes (mmsegmentation's custom-dataset options).</summary>
    [JsonFlatten]
    public FolderLayoutOptions FolderLayout { get; init; } = new();

    /// <summary>Classification: the network's input size.</summary>
    [JsonFlatten]
    public ClassificationInputOptions ClassificationInput { get; init; } = new();

    /// <summary>Classification datasets of image files.</summary>
    [JsonFlatten]
    public ImageFileOptions ImageFiles { get; init; } = new();

    /// <summary>Range checks of the data section's keys.</summary>
    public void Validate(ConfigProblems problems)
    {
        var crop = Segmentation;
        problems.Require(crop.CropWidth >= 8, c => c.Data.Segmentation.CropWidth, crop.CropWidth, "≥ 8");
        problems.Require(crop.CropHeight >= 8, c => c.Data.Segmentation.CropHeight, crop.CropHeight, "≥ 8");
        problems.Require(crop.ScaleMin > 0 && crop.ScaleMin <= crop.ScaleMax, c => c.Data.Segmentation.ScaleMin, crop.ScaleMin, "> 0 and ≤ data.scale_max");
        problems.Require(BatchSize >= 1, c => c.Data.BatchSize, BatchSize, "≥ 1");
        problems.Require(EvalBatchSize >= 1, c => c.Data.EvalBatchSize, EvalBatchSize, "≥ 1");
        problems.Require(Workers is >= 1 and <= ConfigValidation.MaxWorkers, c => c.Data.Workers, Workers,
            $"1 to {ConfigValidation.MaxWorkers} data worker processes (data.prefetch = off loads data in the training process)");
        problems.Require(Synthetic.Train >= 1, c => c.Data.Synthetic.Train, Synthetic.Train, "≥ 1");
        problems.Require(Synthetic.Val >= 1, c => c.Data.Synthetic.Val, Synthetic.Val, "≥ 1");
        problems.Require(Synthetic.Confusability is >= 0 and <= 1, c => c.Data.Synthetic.Confusability, Synthetic.Confusability, "in [0, 1]");
        problems.Require(!string.IsNullOrWhiteSpace(Root), c => c.Data.Root, Root, "a directory");
        problems.Require(RepeatFactor.Threshold is null or (> 0 and <= 1), c => c.Data.RepeatFactor.Threshold, RepeatFactor.Threshold,
            "a fraction of images in (0, 1], or null for no repeats");
        problems.Require(LongTail.ImbalanceRatio >= 1, c => c.Data.LongTail.ImbalanceRatio, LongTail.ImbalanceRatio, "≥ 1");
        problems.Require(ClassificationInput.ImageSize is null or >= 8, c => c.Data.ClassificationInput.ImageSize, ClassificationInput.ImageSize,
            "≥ 8, or null for the dataset's own size");
        problems.Require(ImageFiles.ResizeShorter is null or >= 0, c => c.Data.ImageFiles.ResizeShorter, ImageFiles.ResizeShorter,
            "≥ 0 (0 = no resize), or null for 256");
    }
}
