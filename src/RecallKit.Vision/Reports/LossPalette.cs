using ScottPlot;

namespace RecallKit.Vision.Reports;

/// <summary>
/// The one colour of each compared variant (loss) in every figure of a report: the variants in the comparison's order take the
/// Category10 colours in turn (after ten they repeat). Figures that colour something else (the classes of a class-weight
/// figure) use <see cref="Sequential"/>, a ramp that is none of these colours.
/// </summary>
internal sealed class LossPalette
{
    private static readonly IPalette Category = new ScottPlot.Palettes.Category10();
    private readonly Dictionary<string, Color> colours = new(StringComparer.Ordinal);

    /// <param name="variants">The variant names in report order (duplicates are an error).</param>
    public LossPalette(IEnumerable<string> variants)
    {
        foreach (var name in variants)
        {
            if (!colours.TryAdd(name, Category.GetColor(colours.Count)))
                throw new ArgumentException($"variant {name} is listed twice.", nameof(variants));
        }
    }

    /// <summary>The colour of <paramref name="variant"/>; a variant not in the comparison is an error naming it.</summary>
    public Color Of(string variant) =>
        colours.TryGetValue(variant, out var colour) ? colour
        : throw new ArgumentException($"variant {variant} is not in the report's palette ({string.Join(", ", colours.Keys)}).", nameof(variant));

    /// <summary>The variants and their colours.</summary>
    public IReadOnlyDictionary<string, Color> Colours => colours;

    /// <summary>
    /// Colour <paramref name="index"/> of <paramref name="count"/> on a dark-blue → light-grey ramp (for classes ordered by
    /// frequency: rare classes dark), so that a per-class figure does not reuse the variants' colours with another meaning.
    /// </summary>
    public static Color Sequential(int index, int count)
    {
        double t = count <= 1 ? 0 : (double)index / (count - 1);
        byte Mix(byte from, byte to) => (byte)Math.Round(from + (t * (to - from)));
        return new Color(Mix(8, 190), Mix(29, 190), Mix(88, 190));
    }
}
