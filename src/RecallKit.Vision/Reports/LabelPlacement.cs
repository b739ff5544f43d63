namespace RecallKit.Vision.Reports;

/// <summary>An axis-aligned box in pixels (y down).</summary>
internal readonly record struct PixelBox(double Left, double Top, double Width, double Height)
{
    public double Right => Left + Width;

    public double Bottom => Top + Height;

    /// <summary>Whether the two boxes share interior area (touching edges do not count).</summary>
    public bool Intersects(PixelBox other) => Left < other.Right && other.Left < Right && Top < other.Bottom && other.Top < Bottom;

    /// <summary>Whether this box lies inside <paramref name="outer"/>.</summary>
    public bool Inside(PixelBox outer) => Left >= outer.Left && Top >= outer.Top && Right <= outer.Right && Bottom <= outer.Bottom;

    /// <summary>The point of the box nearest to (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public (double X, double Y) Nearest(double x, double y) => (Math.Clamp(x, Left, Right), Math.Clamp(y, Top, Bottom));

    /// <summary>A box of this size centred on a point.</summary>
    public static PixelBox Around(double x, double y, double width, double height) => new(x - (width / 2), y - (height / 2), width, height);
}

/// <summary>
/// Places text labels next to their points so that no two labels overlap: each label in turn takes the nearest free spot on
/// rings of growing distance around its point (16 directions per ring), first avoiding the plotted points as well, then — when a
/// crowd leaves no such spot — only the labels already placed. Labels stay inside the bounds; a label too big for any free spot
/// is an error rather than an overlap.
/// </summary>
internal static class LabelPlacement
{
    private const int Directions = 16;

    /// <summary>Ring spacing in pixels.</summary>
    private const double Step = 4;

    /// <summary>How far a label may go from its point while it must also avoid the points.</summary>
    private const double NearDistance = 90;

    /// <summary>The box of each label, in the order given.</summary>
    /// <param name="anchors">The point each label names.</param>
    /// <param name="sizes">Each label's width and height.</param>
    /// <param name="bounds">Where labels may go (the data area).</param>
    /// <param name="obstacles">Plotted marks a label should not cover when there is room elsewhere.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    /// <exception cref="InvalidOperationException">A label finds no free spot inside the bounds.</exception>
    public static PixelBox[] Place(IReadOnlyList<(double X, double Y)> anchors, IReadOnlyList<(double Width, double Height)> sizes,
        PixelBox bounds, IReadOnlyList<PixelBox> obstacles)
    {
        if (anchors.Count != sizes.Count) throw new ArgumentException($"{anchors.Count} anchors but {sizes.Count} label sizes.", nameof(sizes));
        var placed = new List<PixelBox>(anchors.Count);
        double farthest = Math.Sqrt((bounds.Width * bounds.Width) + (bounds.Height * bounds.Height));
        for (int i = 0; i < anchors.Count; i++)
        {
            var (x, y) = anchors[i];
            var (w, h) = sizes[i];
            var box = Search(x, y, w, h, bounds, placed, obstacles, NearDistance)
                ?? Search(x, y, w, h, bounds, placed, [], farthest)
                ?? Scan(w, h, bounds, placed)
                ?? throw new InvalidOperationException($"no room for label {i + 1} of {anchors.Count} ({w:0}×{h:0} px) inside {bounds.Width:0}×{bounds.Height:0} px without overlapping another.");
            placed.Add(box);
        }
        return placed.ToArray();
    }

    private static PixelBox? Search(double x, double y, double w, double h, PixelBox bounds, List<PixelBox> placed, IReadOnlyList<PixelBox> obstacles, double maxDistance)
    {
        for (double r = 2; r <= maxDistance; r += Step)
        {
            for (int d = 0; d < Directions; d++)
            {
                // Right of the point first (text reads from its point), then alternating above and below, then left.
                double angle = Math.PI * 2 * Order[d] / Directions;
                double dx = Math.Cos(angle), dy = -Math.Sin(angle);
                var box = PixelBox.Around(x + (dx * (r + (w / 2))), y + (dy * (r + (h / 2))), w, h);
                if (box.Inside(bounds) && !placed.Any(box.Intersects) && !obstacles.Any(box.Intersects)) return box;
            }
        }
        return null;
    }

    private static readonly int[] Order = [0, 1, 15, 2, 14, 3, 13, 4, 12, 5, 11, 6, 10, 7, 9, 8];

    private static PixelBox? Scan(double w, double h, PixelBox bounds, List<PixelBox> placed)
    {
        for (double top = bounds.Top; top + h <= bounds.Bottom; top += 1)
            for (double left = bounds.Left; left + w <= bounds.Right; left += 1)
            {
                var box = new PixelBox(left, top, w, h);
                if (!placed.Any(box.Intersects)) return box;
            }
        return null;
    }
}
