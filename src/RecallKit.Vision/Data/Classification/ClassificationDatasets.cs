namespace RecallKit.Vision.Data.Classification;

/// <summary>The training and validation splits of a classification dataset and how to turn its images into network inputs.</summary>
/// <param name="Train">Training split.</param>
/// <param name="Val">Validation (or test) split, with the training split's classes.</param>
/// <param name="Augmentation">Input size, padding, flips, normalisation.</param>
public sealed record ClassificationData(IClassificationDataset Train, IClassificationDataset Val, ClassificationAugmentation Augmentation);

/// <summary>Opens classification datasets by kind and root.</summary>
public static class ClassificationDatasets
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>Image channels the network sees: 1 for Fashion-MNIST, 3 otherwise.</summary>
    public static int Channels(DatasetKind kind) => kind == DatasetKind.FashionMnistLt ? 1 : 3;

    /// <summary>A palette for class ids (reports and charts), distinct hues.</summary>
    public static DatasetClasses Describe(IReadOnlyList<string> names) => new(names,
        names.Select((_, i) => Hue(i * 0.618033988749895 % 1.0)).ToArray(), IgnoreIndex);

    /// <summary>Label value that never occurs in classification data (PyTorch's default ignore_index).</summary>
    public const int IgnoreIndex = -100;

    private static (byte R, byte G, byte B) Hue(double h)
    {
        double r = Math.Clamp(Math.Abs(h * 6 - 3) - 1, 0, 1), g = Math.Clamp(2 - Math.Abs(h * 6 - 2), 0, 1), b = Math.Clamp(2 - Math.Abs(h * 6 - 4), 0, 1);
        return ((byte)(40 + 180 * r), (byte)(40 + 180 * g), (byte)(40 + 180 * b));
    }

    /// <summary>Input size, padding and normalisation of a <paramref name="kind"/> dataset (needs no file).</summary>
    /// <param name="kind">Dataset kind.</param>
    /// <param name="flip">Random horizontal flips.</param>
    /// <param name="image_size">Side of the square network input; null: the kind's <see cref="NativeSize"/>. Fashion-MNIST and
    /// CIFAR images are resized to it when it differs from their own size.</param>
    public static ClassificationAugmentation Augmentation(DatasetKind kind, bool flip, int? image_size) => kind switch
    {
        DatasetKind.FashionMnistLt => new ClassificationAugmentation(image_size ?? NativeSize(kind), 2, flip, [0.2860f], [0.3530f]),
        DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt => new ClassificationAugmentation(image_size ?? NativeSize(kind), 4, flip, [0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]),
        _ => new ClassificationAugmentation(image_size ?? NativeSize(kind), 0, flip, ImageNetMean, ImageNetStd),
    };

    /// <summary>The input side when <c>data.image_size</c> is not set: 28 (Fashion-MNIST), 32 (CIFAR), 224 (image files).</summary>
    public static int NativeSize(DatasetKind kind) => kind switch
    {
        DatasetKind.FashionMnistLt => 28,
        DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt => 32,
        _ => 224,
    };

    /// <summary>The shorter side image files are resized to when <c>data.resize_shorter</c> is not set.</summary>
    public const int DefaultResizeShorter = 256;

    /// <summary>Both splits of a <paramref name="kind"/> dataset.</summary>
    /// <param name="kind">Dataset kind (a classification one).</param>
    /// <param name="root">Dataset root directory.</param>
    /// <param name="train_split">Training split: a folder name, or for places_lt / inaturalist a list / JSON file (relative to the root or absolute).</param>
    /// <param name="val_split">Validation split, likewise.</param>
    /// <param name="augmentation">How images become network inputs (<see cref="Augmentation"/>).</param>
    /// <param name="imbalance_ratio">Long-tailed datasets: ρ = n_max / n_min of the training split.</param>
    /// <param name="resize_shorter">Datasets of image files: the shorter side images are first resized to (0 = no resize).</param>
    public static ClassificationData Open(DatasetKind kind, string root, string train_split, string val_split,
        ClassificationAugmentation augmentation, double imbalance_ratio, int resize_shorter)
    {
        switch (kind)
        {
            case DatasetKind.FashionMnistLt:
            {
                var train = FashionMnist.Load(root, train: true).LongTailed(imbalance_ratio);
                var test = FashionMnist.Load(root, train: false);
                return Sized(new(new InMemoryDataset(train, "Fashion-MNIST-LT train"), new InMemoryDataset(test, "Fashion-MNIST test"), augmentation), kind);
            }
            case DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt:
            {
                int classes = kind == DatasetKind.Cifar10Lt ? 10 : 100;
                var train = CifarBinary.Load(root, classes, train: true).LongTailed(imbalance_ratio);
                var test = CifarBinary.Load(root, classes, train: false);
                return Sized(new(new InMemoryDataset(train, $"CIFAR-{classes}-LT train"), new InMemoryDataset(test, $"CIFAR-{classes} test"), augmentation), kind);
            }
            case DatasetKind.ImageFolder:
            {
                var names = ImageFolder.ClassNames(Path.Combine(root, train_split));
                var (trainPaths, trainLabels) = ImageFolder.Read(Path.Combine(root, train_split), names);
                var (valPaths, valLabels) = ImageFolder.Read(Path.Combine(root, val_split), names);
                return new(new ImageFileDataset(trainPaths, trainLabels, names, resize_shorter),
                    new ImageFileDataset(valPaths, valLabels, names, resize_shorter), augmentation);
            }
            case DatasetKind.PlacesLt:
            {
                var train = LabelListFile.Read(ListPath(root, train_split, "Places_LT_{0}.txt"), root);
                var val = LabelListFile.Read(ListPath(root, val_split, "Places_LT_{0}.txt"), root);
                int classes = train.Labels.Max() + 1;
                var names = LabelListFile.ClassNames(train, classes);
                return new(new ImageFileDataset(train.Paths, train.Labels, names, resize_shorter),
                    new ImageFileDataset(val.Paths, val.Labels, names, resize_shorter), augmentation);
            }
            case DatasetKind.INaturalist:
            {
                var train = INaturalistJson.Read(ListPath(root, train_split, "{0}2018.json"), root);
                var val = INaturalistJson.Read(ListPath(root, val_split, "{0}2018.json"), root, train.CategoryIds, train.ClassNames);
                return new(new ImageFileDataset(train.Paths, train.Labels, train.ClassNames, resize_shorter),
                    new ImageFileDataset(val.Paths, val.Labels, train.ClassNames, resize_shorter), augmentation);
            }
            default:
                throw new ArgumentException($"data.kind = {kind} is a segmentation dataset, not a classification one.");
        }
    }

    /// <summary>A split given as a file (absolute, or relative to the root), or a split name expanded with <paramref name="pattern"/>.</summary>
    private static string ListPath(string root, string split, string pattern)
    {
        var direct = Path.Combine(root, split);
        return File.Exists(direct) ? direct : Path.Combine(root, string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, split));
    }

    /// <summary>Fashion-MNIST and CIFAR at an input size other than their own: both splits resized when loaded.</summary>
    private static ClassificationData Sized(ClassificationData data, DatasetKind kind) =>
        data.Augmentation.Size == NativeSize(kind) ? data
            : data with { Train = new ResizedDataset(data.Train, data.Augmentation.Size), Val = new ResizedDataset(data.Val, data.Augmentation.Size) };
}
