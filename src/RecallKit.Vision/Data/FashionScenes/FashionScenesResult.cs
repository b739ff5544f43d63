using System.Globalization;
using System.Text;

namespace RecallKit.Vision.Data.FashionScenes;

/// <summary>Pixels and pasted garments per class over one split of the Fashion-MNIST scenes.</summary>
/// <param name="Pixels">Labelled pixels per class (index = label).</param>
/// <param name="Instances">Garments pasted per class (index = label; 0 for the background), occluded ones included.</param>
/// <param name="SourceIndices">The distinct source images the split used, ascending (indices into its Fashion-MNIST split).</param>
public sealed record FashionSplitCounts(long[] Pixels, long[] Instances, int[] SourceIndices)
{
    /// <summary>Share of all pixels per class, in [0, 1].</summary>
    public double[] PixelShares => Pixels.Select(p => p / (double)Math.Max(1, Pixels.Sum())).ToArray();

    /// <summary>Share of garment (non-background) pixels per class, in [0, 1]; 0 for the background.</summary>
    public double[] GarmentShares
    {
        get
        {
            double garments = Math.Max(1, Pixels.Sum() - Pixels[FashionSceneClasses.Background]);
            return Pixels.Select((p, c) => c == FashionSceneClasses.Background ? 0 : p / garments).ToArray();
        }
    }
}

/// <summary>What <see cref="FashionSceneGenerator.Generate"/> wrote.</summary>
/// <param name="Train">Training scenes (from the Fashion-MNIST training split).</param>
/// <param name="Val">Validation scenes (from the Fashion-MNIST test split).</param>
public sealed record FashionScenesResult(FashionSplitCounts Train, FashionSplitCounts Val)
{
    /// <summary>The training pixel frequencies in the form the other generators report.</summary>
    public PixelFrequencyTable Frequencies => new(FashionSceneClasses.Names, Train.Pixels, 0);

    /// <summary>
    /// A Markdown table ordered by training pixels: instance probability, garments pasted, training pixels, share of all
    /// pixels, share of garment pixels, and the validation share of garment pixels.
    /// </summary>
    public string ToTable()
    {
        var sb = new StringBuilder("| class | instance probability | garments (train) | pixels (train) | share of pixels | share of garment pixels | share of garment pixels (val) |\n");
        sb.Append("|---|---:|---:|---:|---:|---:|---:|\n");
        var trainAll = Train.PixelShares;
        var trainGarments = Train.GarmentShares;
        var valGarments = Val.GarmentShares;
        foreach (var c in Enumerable.Range(0, FashionSceneClasses.Names.Length).OrderByDescending(c => Train.Pixels[c]))
        {
            bool background = c == FashionSceneClasses.Background;
            string probability = background ? "" : FashionSceneClasses.InstanceProbabilities[c - 1].ToString("0.000", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"| {FashionSceneClasses.Names[c]} | {probability} | {(background ? "" : Train.Instances[c].ToString("N0", CultureInfo.InvariantCulture))} | ")
              .Append(CultureInfo.InvariantCulture, $"{Train.Pixels[c]:N0} | {100 * trainAll[c]:0.00} % | ")
              .Append(background ? " | |\n" : string.Create(CultureInfo.InvariantCulture, $"{100 * trainGarments[c]:0.00} % | {100 * valGarments[c]:0.00} % |\n"));
        }
        return sb.ToString();
    }
}
