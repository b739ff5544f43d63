namespace RecallKit.Vision.Data.FashionScenes;

/// <summary>
/// The eleven classes of the Fashion-MNIST scenes: background (0) and the ten Fashion-MNIST classes (label = Fashion-MNIST
/// id + 1), with the probability that a pasted garment is of each class. The four upper-body classes, which look alike at
/// 28×28, are drawn at very different rates (T-shirt ≫ pullover ≫ coat ≫ shirt, shirt rarest); the classes with a distinct
/// shape (trouser, sandal, sneaker, bag, ankle boot) and dress sit in between.
/// </summary>
public static class FashionSceneClasses
{
    /// <summary>The background label.</summary>
    public const byte Background = 0;

    /// <summary>Label value of unlabeled pixels (none are written; kept for the folder layout).</summary>
    public const byte Ignore = 255;

    /// <summary>Class names, index = label.</summary>
    public static readonly string[] Names =
        ["background", "T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    /// <summary>
    /// Probability that a pasted garment is of each Fashion-MNIST class (index = Fashion-MNIST id, sums to 1):
    /// T-shirt 0.324, trouser 0.10, pullover 0.12, dress 0.07, coat 0.05, sandal 0.07, shirt 0.006, sneaker 0.10, bag 0.10,
    /// ankle boot 0.06.
    /// </summary>
    public static readonly double[] InstanceProbabilities = [0.324, 0.10, 0.12, 0.07, 0.05, 0.07, 0.006, 0.10, 0.10, 0.06];

    /// <summary>Display colours (background dark grey).</summary>
    public static readonly (byte R, byte G, byte B)[] Palette =
    [
        (40, 40, 40), (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
        (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212),
    ];

    /// <summary>The scene label of a Fashion-MNIST class id.</summary>
    public static byte LabelOf(int fashionMnistClass) => (byte)(fashionMnistClass + 1);

    /// <summary>The dataset's class description.</summary>
    public static DatasetClasses Description => new(Names, Palette, Ignore);
}
