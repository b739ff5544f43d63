namespace RecallKit.Vision.Data.Synthetic;

/// <summary>The ten classes of the synthetic driving scenes (train ids) and their palette.</summary>
public static class SceneClasses
{
    /// <summary>Road.</summary>
    public const byte Road = 0;
    /// <summary>Sidewalk.</summary>
    public const byte Sidewalk = 1;
    /// <summary>Building.</summary>
    public const byte Building = 2;
    /// <summary>Sky.</summary>
    public const byte Sky = 3;
    /// <summary>Vegetation.</summary>
    public const byte Vegetation = 4;
    /// <summary>Car.</summary>
    public const byte Car = 5;
    /// <summary>Pedestrian.</summary>
    public const byte Pedestrian = 6;
    /// <summary>Bicycle.</summary>
    public const byte Bicycle = 7;
    /// <summary>Pole.</summary>
    public const byte Pole = 8;
    /// <summary>Traffic sign.</summary>
    public const byte Sign = 9;
    /// <summary>Unlabeled (the ego vehicle's bonnet).</summary>
    public const byte Ignore = 255;

    /// <summary>Class names, index = train id.</summary>
    public static readonly string[] Names =
        ["road", "sidewalk", "building", "sky", "vegetation", "car", "pedestrian", "bicycle", "pole", "traffic sign"];

    /// <summary>Display colours (Cityscapes-like).</summary>
    public static readonly (byte R, byte G, byte B)[] Palette =
    [
        (128, 64, 128), (244, 35, 232), (70, 70, 70), (70, 130, 180), (107, 142, 35),
        (0, 0, 142), (220, 20, 60), (119, 11, 32), (153, 153, 153), (220, 220, 0),
    ];

    /// <summary>When a 2×2 block is split evenly, the class drawn thinner wins: a higher rank here wins the tie.</summary>
    internal static readonly int[] TieRank = [0, 2, 1, 0, 3, 4, 7, 9, 8, 8];

    /// <summary>The dataset's class description.</summary>
    public static DatasetClasses Description => new(Names, Palette, Ignore);
}
