namespace RecallKit.Vision.Data;

/// <summary>The classes of a dataset: names, display colours and the ignore id (never a class).</summary>
/// <param name="Names">Class names, index = train id.</param>
/// <param name="Palette">RGB colour per class, same order as <paramref name="Names"/>.</param>
/// <param name="IgnoreIndex">Label value of unlabeled pixels (not a class).</param>
public sealed record DatasetClasses(IReadOnlyList<string> Names, IReadOnlyList<(byte R, byte G, byte B)> Palette, int IgnoreIndex)
{
    /// <summary>Number of classes C.</summary>
    public int Count => Names.Count;
}
