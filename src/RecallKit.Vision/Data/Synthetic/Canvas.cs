namespace RecallKit.Vision.Data.Synthetic;

/// <summary>An RGB image and a label map drawn together: every fill paints colour and class at once.</summary>
internal sealed class Canvas
{
    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        Rgb = new byte[width * height * 3];
        Labels = new byte[width * height];
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Rgb { get; }

    public byte[] Labels { get; }

    /// <summary>Paints one pixel; <paramref name="shade"/> returns the colour for (x, y).</summary>
    public void Set(int x, int y, byte label, Func<int, int, (double r, double g, double b)> shade)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = y * Width + x;
        var (r, g, b) = shade(x, y);
        Rgb[3 * i] = Clamp(r);
        Rgb[3 * i + 1] = Clamp(g);
        Rgb[3 * i + 2] = Clamp(b);
        Labels[i] = label;
    }

    public void FillRect(double x0, double y0, double x1, double y1, byte label, Func<int, int, (double, double, double)> shade)
    {
        for (int y = (int)Math.Floor(y0); y < (int)Math.Ceiling(y1); y++)
            for (int x = (int)Math.Floor(x0); x < (int)Math.Ceiling(x1); x++)
                Set(x, y, label, shade);
    }

    public void FillEllipse(double cx, double cy, double rx, double ry, byte label, Func<int, int, (double, double, double)> shade)
    {
        for (int y = (int)Math.Floor(cy - ry); y <= (int)Math.Ceiling(cy + ry); y++)
            for (int x = (int)Math.Floor(cx - rx); x <= (int)Math.Ceiling(cx + rx); x++)
            {
                double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
                if (dx * dx + dy * dy <= 1) Set(x, y, label, shade);
            }
    }

    /// <summary>A ring of the given thickness (bicycle wheels).</summary>
    public void Ring(double cx, double cy, double radius, double thickness, byte label, Func<int, int, (double, double, double)> shade)
    {
        double outer = radius + thickness / 2, inner = Math.Max(0, radius - thickness / 2);
        for (int y = (int)Math.Floor(cy - outer); y <= (int)Math.Ceiling(cy + outer); y++)
            for (int x = (int)Math.Floor(cx - outer); x <= (int)Math.Ceiling(cx + outer); x++)
            {
                double d = Math.Sqrt(Math.Pow(x + 0.5 - cx, 2) + Math.Pow(y + 0.5 - cy, 2));
                if (d <= outer && d >= inner) Set(x, y, label, shade);
            }
    }

    /// <summary>A thick line segment.</summary>
    public void Line(double x0, double y0, double x1, double y1, double thickness, byte label, Func<int, int, (double, double, double)> shade)
    {
        double length = Math.Max(1e-9, Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)));
        double half = thickness / 2;
        int minX = (int)Math.Floor(Math.Min(x0, x1) - half), maxX = (int)Math.Ceiling(Math.Max(x0, x1) + half);
        int minY = (int)Math.Floor(Math.Min(y0, y1) - half), maxY = (int)Math.Ceiling(Math.Max(y0, y1) + half);
        for (int y = minY; y <= maxY; y++)
            for (int x = minX; x <= maxX; x++)
            {
                double px = x + 0.5 - x0, py = y + 0.5 - y0;
                double t = Math.Clamp((px * (x1 - x0) + py * (y1 - y0)) / (length * length), 0, 1);
                double dx = px - t * (x1 - x0), dy = py - t * (y1 - y0);
                if (dx * dx + dy * dy <= half * half) Set(x, y, label, shade);
            }
    }

    /// <summary>A filled polygon (even-odd rule), for the road and sidewalks.</summary>
    public void FillPolygon(IReadOnlyList<(double x, double y)> points, byte label, Func<int, int, (double, double, double)> shade)
    {
        int minY = (int)Math.Floor(points.Min(p => p.y)), maxY = (int)Math.Ceiling(points.Max(p => p.y));
        var crossings = new List<double>();
        for (int y = minY; y <= maxY; y++)
        {
            double sy = y + 0.5;
            crossings.Clear();
            for (int i = 0; i < points.Count; i++)
            {
                var (ax, ay) = points[i];
                var (bx, by) = points[(i + 1) % points.Count];
                if ((ay <= sy && by > sy) || (by <= sy && ay > sy))
                    crossings.Add(ax + (sy - ay) / (by - ay) * (bx - ax));
            }
            crossings.Sort();
            for (int k = 0; k + 1 < crossings.Count; k += 2)
                for (int x = (int)Math.Ceiling(crossings[k] - 0.5); x <= (int)Math.Floor(crossings[k + 1] - 0.5); x++)
                    Set(x, y, label, shade);
        }
    }

    private static byte Clamp(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);
}
