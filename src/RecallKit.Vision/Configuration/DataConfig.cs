using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>Which dataset layout to read.</summary>
public enum DatasetKind
{
    /// <summary>The built-in synthetic driving scenes (generated into <see cref="DataConfig.Root"/> when missing).</summary>
    Synthetic,
    /// <summary>The generic folder layout: dataset.json, images/&lt;split&gt;, labels/&lt;split&gt;.</summary>
    Folder,
    /// <summary>Cityscapes leftImg8bit + gtFine.</summary>
    Cityscapes,
    /// <summary>SYNTHIA SEQS (RGB + 16-bit GT/LABELS).</summary>
    Synthia,
    /// <summary>Classification: Fashion-MNIST IDX files, training split made long-tailed (<see cref="DataConfig.ImbalanceRatio"/>), test split balanced.</summary>
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

/// <summary>How training samples are drawn (classification).</summary>
public enum SamplerKind
{
    /// <summary>Every sample once per epoch, shuffled.</summary>
    Uniform,
    /// <summary>Class drawn uniformly, then a sample of it (Kang et al.'s class-balanced sampling, for cRT/LWS).</summary>
    ClassBalanced,
    /// <summary>Class drawn with probability ∝ √n_c, then a sample of it.</summary>
    SquareRoot,
}

/// <summary>Dataset location, crop size, augmentation and batching.</summary>
public sealed record DataConfig
{
    /// <summary>Dataset layout.</summary>
    public DatasetKind Kind { get; init; } = DatasetKind.Synthetic;

    /// <summary>Dataset root directory.</summary>
    public string Root { get; init; } = "data/synthetic";

    /// <summary>Training split: a folder name, or for places_lt / inaturalist a list / JSON file (relative to the root or absolute).</summary>
    public string TrainSplit { get; init; } = "train";

    /// <summary>Validation split name.</summary>
    public string ValSplit { get; init; } = "val";

    /// <summary>Training crop width in pixels.</summary>
    public int CropWidth { get; init; } = 192;

    /// <summary>Training crop height in pixels.</summary>
    public int CropHeight { get; init; } = 96;

    /// <summary>Smallest random scale factor.</summary>
    public double ScaleMin { get; init; } = 1.0;

    /// <summary>Largest random scale factor.</summary>
    public double ScaleMax { get; init; } = 1.0;

    /// <summary>Random horizontal flips.</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Random brightness/contrast/saturation jitter.</summary>
    public bool ColorJitter { get; init; }

    /// <summary>Images per training batch.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Prepare the next training batch in a data worker process while the model trains (the <c>recallkit</c> command; a library
    /// caller without a worker launcher loads data in the training process). <c>auto</c>: on with CUDA or spare cores.
    /// </summary>
    public PrefetchMode Prefetch { get; init; } = PrefetchMode.Auto;

    /// <summary>Skip (and count) images or labels that cannot be decoded or are inconsistent, instead of stopping.</summary>
    public bool SkipBadFiles { get; init; }

    /// <summary>Images per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 8;

    /// <summary>Synthetic data only: training scenes to generate.</summary>
    public int SyntheticTrain { get; init; } = 300;

    /// <summary>Synthetic data only: validation scenes to generate.</summary>
    public int SyntheticVal { get; init; } = 60;

    /// <summary>SYNTHIA only: ignore the void class (default) or train it as a class.</summary>
    public RecallKit.Vision.Data.SynthiaVoid SynthiaVoid { get; init; } = RecallKit.Vision.Data.SynthiaVoid.Ignore;

    /// <summary>Synthetic data only: generator seed (independent of the training seed).</summary>
    public int SyntheticSeed { get; init; } = 7;

    /// <summary>Synthetic data only: probability that a pedestrian, bicycle or sign is painted in its background's colour
    /// (0 = the built-in scenes; 0.9 = rare classes told apart from their neighbours almost only by shape).</summary>
    public double SyntheticConfusability { get; init; }

    /// <summary>Fashion-MNIST-LT / CIFAR-LT: imbalance ratio ρ = n_max / n_min of the training split.</summary>
    public double ImbalanceRatio { get; init; } = 100;

    /// <summary>Classification: how training samples are drawn.</summary>
    public SamplerKind Sampler { get; init; } = SamplerKind.Uniform;

    /// <summary>Classification on image files: side of the square crop fed to the network.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Classification on image files: images are first resized so the shorter side has this length.</summary>
    public int ResizeShorter { get; init; } = 256;
}
