using RecallKit.Vision.Configuration;

namespace RecallKit.Vision.Data.Classification;

/// <summary>The training and validation splits of a classification dataset and how to turn its images into network inputs.</summary>
/// <param name="Train">Training split.</param>
/// <param name="Val">Validation (or test) split, with the training split's classes.</param>
/// <param name="Augmentation">Input size, padding, flips, normalisation.</param>
public sealed record ClassificationData(IClassificationDataset Train, IClassificationDataset Val, ClassificationAugmentation Augmentation);

/// <summary>Opens the classification dataset a <see cref="DataConfig"/> names.</summary>
public static class ClassificationDatasets
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>Whether <paramref name="kind"/> is a classification dataset.</summary>
    public static bool IsClassification(DatasetKind kind) =>
        kind is DatasetKind.FashionMnistLt or DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt or DatasetKind.ImageFolder
            or DatasetKind.PlacesLt or DatasetKind.INaturalist;

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

    /// <summary>Input size, padding and normalisation of <paramref name="config"/>'s dataset (needs no file).</summary>
    public static ClassificationAugmentation Augmentation(DataConfig config) => config.Kind switch
    {
        DatasetKind.FashionMnistLt => new ClassificationAugmentation(28, 2, config.Flip, [0.2860f], [0.3530f]),
        DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt => new ClassificationAugmentation(32, 4, config.Flip, [0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]),
        _ => new ClassificationAugmentation(config.ImageFiles.ImageSize, 0, config.Flip, ImageNetMean, ImageNetStd),
    };

    /// <summary>Both splits of <paramref name="config"/>'s dataset.</summary>
    public static ClassificationData Open(DataConfig config)
    {
        switch (config.Kind)
        {
            case DatasetKind.FashionMnistLt:
            {
                var train = FashionMnist.Load(config.Root, train: true).LongTailed(config.LongTail.ImbalanceRatio);
                var test = FashionMnist.Load(config.Root, train: false);
                return new(new InMemoryDataset(train, "Fashion-MNIST-LT train"), new InMemoryDataset(test, "Fashion-MNIST test"), Augmentation(config));
            }
            case DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt:
            {
                int classes = config.Kind == DatasetKind.Cifar10Lt ? 10 : 100;
                var train = CifarBinary.Load(config.Root, classes, train: true).LongTailed(config.LongTail.ImbalanceRatio);
                var test = CifarBinary.Load(config.Root, classes, train: false);
                return new(new InMemoryDataset(train, $"CIFAR-{classes}-LT train"), new InMemoryDataset(test, $"CIFAR-{classes} test"), Augmentation(config));
            }
            case DatasetKind.ImageFolder:
            {
                var names = ImageFolder.ClassNames(Path.Combine(config.Root, config.TrainSplit));
                var (trainPaths, trainLabels) = ImageFolder.Read(Path.Combine(config.Root, config.TrainSplit), names);
                var (valPaths, valLabels) = ImageFolder.Read(Path.Combine(config.Root, config.ValSplit), names);
                return Files(config, new ImageFileDataset(trainPaths, trainLabels, names, config.ImageFiles.ResizeShorter),
                    new ImageFileDataset(valPaths, valLabels, names, config.ImageFiles.ResizeShorter));
            }
            case DatasetKind.PlacesLt:
            {
                var train = LabelListFile.Read(ListPath(config.Root, config.TrainSplit, "Places_LT_{0}.txt"), config.Root);
                var val = LabelListFile.Read(ListPath(config.Root, config.ValSplit, "Places_LT_{0}.txt"), config.Root);
                int classes = train.Labels.Max() + 1;
                var names = LabelListFile.ClassNames(train, classes);
                return Files(config, new ImageFileDataset(train.Paths, train.Labels, names, config.ImageFiles.ResizeShorter),
                    new ImageFileDataset(val.Paths, val.Labels, names, config.ImageFiles.ResizeShorter));
            }
            case DatasetKind.INaturalist:
            {
                var train = INaturalistJson.Read(ListPath(config.Root, config.TrainSplit, "{0}2018.json"), config.Root);
                var val = INaturalistJson.Read(ListPath(config.Root, config.ValSplit, "{0}2018.json"), config.Root, train.CategoryIds, train.ClassNames);
                return Files(config, new ImageFileDataset(train.Paths, train.Labels, train.ClassNames, config.ImageFiles.ResizeShorter),
                    new ImageFileDataset(val.Paths, val.Labels, train.ClassNames, config.ImageFiles.ResizeShorter));
            }
            default:
                throw new ArgumentException($"data.kind = {config.Kind} is a segmentation dataset, not a classification one.");
        }
    }

    private static ClassificationData Files(DataConfig config, IClassificationDataset train, IClassificationDataset val) =>
        new(train, val, Augmentation(config));

    /// <summary>A split given as a file (absolute, or relative to the root), or a split name expanded with <paramref name="pattern"/>.</summary>
    private static string ListPath(string root, string split, string pattern)
    {
        var direct = Path.Combine(root, split);
        return File.Exists(direct) ? direct : Path.Combine(root, string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, split));
    }
}
