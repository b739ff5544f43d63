using System.Text;

namespace RecallKit.Vision.Data;

/// <summary>Pixels per class over a split (ignored pixels counted apart).</summary>
/// <param name="Names">Class names.</param>
/// <param name="Pixels">Pixels per class.</param>
/// <param name="Ignored">Pixels with the ignore label.</param>
public sealed record PixelFrequencyTable(IReadOnlyList<string> Names, long[] Pixels, long Ignored)
{
    /// <summary>Share of labelled pixels per class, in [0, 1].</summary>
    public double[] Shares
    {
        get
        {
            double total = Math.Max(1, Pixels.Sum());
            return Pixels.Select(p => p / total).ToArray();
        }
    }

    /// <summary>A Markdown table ordered by frequency.</summary>
    public string ToTable()
    {
        var shares = Shares;
        var sb = new StringBuilder("| class | pixels | share |\n|---|---:|---:|\n");
        foreach (var c in Enumerable.Range(0, Names.Count).OrderByDescending(c => Pixels[c]))
            sb.Append($"| {Names[c]} | {Pixels[c]:N0} | {100 * shares[c]:0.00} % |\n");
        sb.Append($"| (ignored) | {Ignored:N0} | |\n");
        return sb.ToString();
    }
}
