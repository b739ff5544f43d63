namespace RecallKit.Vision.Data.Synthetic;

/// <summary>
/// Paints one driving scene at twice the output size. The layout follows a street in perspective: sky, buildings and trees
/// behind the horizon, road and sidewalks in front, cars on the road, and the small classes that make the data hard —
/// pedestrians near the kerb, bicycles as thin dark rings on the road, poles the colour of the buildings, signs that are
/// often sky-blue or grey — and, in about half the scenes, the ego vehicle's bonnet labelled as ignore.
/// With <c>confusability</c> p &gt; 0, each pedestrian, bicycle and sign takes, with probability p, the colour of what it
/// stands in front of (pavement, asphalt, the buildings) instead of its own: the rare classes then differ from their
/// frequent neighbours by shape only. Those choices come from a second random stream, so the layout (the labels) is the same
/// for every p and p = 0 gives the built-in scenes byte for byte.
/// </summary>
internal sealed class ScenePainter
{
    private readonly Random random;
    private readonly int seed;
    private readonly Canvas canvas;
    private readonly double light;
    private readonly (double r, double g, double b) tint;
    private readonly double confusability;
    private readonly Random camouflage;
    private (double, double, double) paving, asphalt, buildings;

    public ScenePainter(int width, int height, int seed, double confusability = 0)
    {
        this.seed = seed;
        this.confusability = confusability;
        camouflage = new Random(unchecked(seed * 31 + 17));
        random = new Random(seed);
        canvas = new Canvas(width, height);
        light = Uniform(0.65, 1.25);
        tint = (Uniform(0.9, 1.1), Uniform(0.9, 1.1), Uniform(0.9, 1.1));
    }

    public Canvas Paint()
    {
        int w = canvas.Width, h = canvas.Height;
        double horizon = h * Uniform(0.36, 0.48);
        double vanishX = w * Uniform(0.4, 0.6);

        PaintSky(horizon);
        var buildingColour = PaintBuildings(horizon);
        buildings = buildingColour;
        PaintTrees(horizon, behind: true);
        var (leftKerb, rightKerb) = PaintGround(horizon, vanishX);
        PaintTrees(horizon, behind: false);
        PaintCars(horizon, leftKerb, rightKerb);
        PaintPolesAndSigns(horizon, leftKerb, rightKerb, buildingColour);
        PaintPedestrians(horizon, leftKerb, rightKerb);
        PaintBicycles(horizon, leftKerb, rightKerb);
        if (random.NextDouble() < 0.5) PaintBonnet();
        return canvas;
    }

    private void PaintSky(double horizon)
    {
        bool overcast = random.NextDouble() < 0.3;
        var top = overcast ? (170.0, 175.0, 180.0) : (70.0 + 40 * random.NextDouble(), 130.0, 200.0 + 30 * random.NextDouble());
        var bottom = overcast ? (200.0, 200.0, 205.0) : (170.0, 200.0, 230.0);
        canvas.FillRect(0, 0, canvas.Width, horizon + 2, SceneClasses.Sky, (x, y) =>
        {
            double t = y / Math.Max(1, horizon);
            return Shade(Mix(top, bottom, t), x, y, 0.03);
        });
    }

    private (double, double, double) PaintBuildings(double horizon)
    {
        var baseColour = Pick((120.0, 100.0, 85.0), (150.0, 145.0, 140.0), (190.0, 175.0, 150.0), (110.0, 110.0, 120.0), (160.0, 120.0, 100.0));
        double x = -random.Next(0, 20);
        while (x < canvas.Width)
        {
            double bw = canvas.Width * Uniform(0.08, 0.22);
            double top = horizon * Uniform(0.05, 0.7);
            var colour = Scale(baseColour, Uniform(0.85, 1.15));
            double left = x;
            canvas.FillRect(left, top, left + bw, horizon + canvas.Height * 0.05, SceneClasses.Building, (px, py) =>
            {
                bool window = ((int)(px - left) % 14 is > 4 and < 11) && ((int)(py - top) % 18 is > 5 and < 13);
                return Shade(window ? Scale(colour, 0.55) : colour, px, py, 0.06);
            });
            x += bw + (random.NextDouble() < 0.25 ? canvas.Width * Uniform(0.02, 0.08) : 0);
        }
        return baseColour;
    }

    private void PaintTrees(double horizon, bool behind)
    {
        int count = behind ? random.Next(1, 5) : random.Next(0, 3);
        for (int i = 0; i < count; i++)
        {
            double cx = canvas.Width * random.NextDouble();
            double size = canvas.Height * (behind ? Uniform(0.08, 0.16) : Uniform(0.12, 0.22));
            double cy = behind ? horizon - size * Uniform(0.3, 0.9) : horizon + size * Uniform(-0.2, 0.4);
            var green = (Uniform(50, 90), Uniform(100, 140), Uniform(30, 60));
            canvas.FillEllipse(cx, cy, size * Uniform(0.7, 1.1), size, SceneClasses.Vegetation, (x, y) => Shade(green, x, y, 0.18));
        }
    }

    private ((double x0, double x1) left, (double x0, double x1) right) PaintGround(double horizon, double vanishX)
    {
        int w = canvas.Width, h = canvas.Height;
        asphalt = Scale((95.0, 95.0, 100.0), Uniform(0.85, 1.2));
        paving = Pick((175.0, 170.0, 165.0), (185.0, 150.0, 140.0), (160.0, 160.0, 150.0));
        // Kerbs converge to the vanishing point; everything below the horizon is sidewalk unless inside the road.
        double leftKerbBottom = w * Uniform(-0.05, 0.15), rightKerbBottom = w * Uniform(0.85, 1.05);
        canvas.FillRect(0, horizon, w, h, SceneClasses.Sidewalk, (x, y) => Shade(paving, x, y, 0.08));
        canvas.FillPolygon([(vanishX - 2, horizon), (vanishX + 2, horizon), (rightKerbBottom, h), (leftKerbBottom, h)],
            SceneClasses.Road, (x, y) => Shade(asphalt, x, y, 0.07));
        // Lane markings belong to the road.
        for (double t = 0.15; t < 1; t += 0.17)
        {
            double y0 = horizon + (h - horizon) * t, y1 = horizon + (h - horizon) * (t + 0.07);
            canvas.Line(vanishX, y0, vanishX, y1, 1 + 3 * t, SceneClasses.Road, (x, y) => Shade((200.0, 200.0, 190.0), x, y, 0.05));
        }
        return ((leftKerbBottom, vanishX), (rightKerbBottom, vanishX));
    }

    /// <summary>x of a kerb at height y (linear between the bottom and the vanishing point).</summary>
    private double KerbX((double bottom, double vanish) kerb, double horizon, double y) =>
        kerb.vanish + (kerb.bottom - kerb.vanish) * Math.Clamp((y - horizon) / (canvas.Height - horizon), 0, 1);

    private static double Depth(double horizon, double y, double height) => Math.Clamp((y - horizon) / (height - horizon), 0.05, 1);

    /// <summary>
    /// A random kerb (left or right) and a random row between the fractions <paramref name="start"/> and <paramref name="end"/>
    /// of the ground below the horizon: the side, the row, its depth and the kerb's x there.
    /// </summary>
    private (bool onLeft, double y, double depth, double kerb) KerbPoint(double horizon, (double, double) left, (double, double) right, double start, double end)
    {
        bool onLeft = random.NextDouble() < 0.5;
        double y = horizon + (canvas.Height - horizon) * Uniform(start, end);
        return (onLeft, y, Depth(horizon, y, canvas.Height), KerbX(onLeft ? left : right, horizon, y));
    }

    private void PaintCars(double horizon, (double, double) left, (double, double) right)
    {
        int count = random.Next(0, 4);
        for (int i = 0; i < count; i++)
        {
            double y = horizon + (canvas.Height - horizon) * Uniform(0.1, 0.7);
            double depth = Depth(horizon, y, canvas.Height);
            double x0 = KerbX(left, horizon, y), x1 = KerbX(right, horizon, y);
            double cw = canvas.Width * 0.22 * depth, ch = cw * Uniform(0.45, 0.6);
            double cx = Uniform(x0, Math.Max(x0 + 1, x1 - cw));
            var paint = Pick((180.0, 30.0, 30.0), (30.0, 40.0, 140.0), (200.0, 200.0, 205.0), (30.0, 30.0, 30.0), (90.0, 90.0, 95.0), (230.0, 200.0, 40.0));
            canvas.FillRect(cx, y - ch, cx + cw, y, SceneClasses.Car, (px, py) => Shade(paint, px, py, 0.05));
            canvas.FillRect(cx + cw * 0.15, y - ch * 0.95, cx + cw * 0.85, y - ch * 0.6, SceneClasses.Car, (px, py) => Shade((60.0, 70.0, 80.0), px, py, 0.05));
            canvas.FillEllipse(cx + cw * 0.2, y, cw * 0.1, ch * 0.18, SceneClasses.Car, (px, py) => Shade((20.0, 20.0, 20.0), px, py, 0.05));
            canvas.FillEllipse(cx + cw * 0.8, y, cw * 0.1, ch * 0.18, SceneClasses.Car, (px, py) => Shade((20.0, 20.0, 20.0), px, py, 0.05));
        }
    }

    private void PaintPolesAndSigns(double horizon, (double, double) left, (double, double) right, (double, double, double) buildingColour)
    {
        int count = random.Next(1, 5);
        for (int i = 0; i < count; i++)
        {
            var (onLeft, baseY, depth, kerb) = KerbPoint(horizon, left, right, 0.05, 0.6);
            double x = kerb + (onLeft ? -1 : 1) * canvas.Width * 0.03 * depth;
            double height = canvas.Height * Uniform(0.35, 0.6) * (0.4 + depth);
            double thickness = Math.Max(1, 3.5 * depth);
            var poleColour = Scale(buildingColour, Uniform(0.9, 1.1));
            canvas.Line(x, baseY, x, baseY - height, thickness, SceneClasses.Pole, (px, py) => Shade(poleColour, px, py, 0.05));
            if (random.NextDouble() < 0.7)
            {
                double size = Math.Max(2.5, canvas.Height * 0.035 * (0.5 + depth));
                var signColour = Pick((110.0, 160.0, 210.0), (110.0, 160.0, 210.0), (150.0, 150.0, 155.0), (200.0, 40.0, 40.0), (230.0, 200.0, 40.0));
                if (Camouflaged()) signColour = Scale(buildings, Tone());
                double sy = baseY - height;
                if (random.NextDouble() < 0.5)
                    canvas.FillEllipse(x, sy, size, size, SceneClasses.Sign, (px, py) => Shade(signColour, px, py, 0.04));
                else
                    canvas.FillRect(x - size, sy - size, x + size, sy + size * 0.8, SceneClasses.Sign, (px, py) => Shade(signColour, px, py, 0.04));
            }
        }
    }

    private void PaintPedestrians(double horizon, (double, double) left, (double, double) right)
    {
        int count = random.Next(0, 5);
        for (int i = 0; i < count; i++)
        {
            var (onLeft, footY, depth, kerb) = KerbPoint(horizon, left, right, 0.05, 0.55);
            double x = kerb + (onLeft ? -1 : 1) * canvas.Width * Uniform(0.0, 0.06) * depth + Uniform(-3, 3);
            double tall = canvas.Height * 0.2 * (0.3 + depth);
            double wide = tall * 0.22;
            var clothes = Pick((40.0, 40.0, 60.0), (120.0, 30.0, 30.0), (60.0, 90.0, 60.0), (150.0, 140.0, 120.0), (30.0, 30.0, 30.0));
            var skin = Pick((225.0, 185.0, 160.0), (150.0, 105.0, 80.0), (95.0, 65.0, 50.0));
            if (Camouflaged()) (clothes, skin) = (Scale(paving, Tone()), Scale(paving, Tone()));
            canvas.FillRect(x - wide / 2, footY - tall * 0.85, x + wide / 2, footY, SceneClasses.Pedestrian, (px, py) => Shade(clothes, px, py, 0.08));
            canvas.FillEllipse(x, footY - tall * 0.9, wide * 0.4, tall * 0.09, SceneClasses.Pedestrian, (px, py) => Shade(skin, px, py, 0.05));
        }
    }

    private void PaintBicycles(double horizon, (double, double) left, (double, double) right)
    {
        int count = random.NextDouble() < 0.6 ? random.Next(1, 3) : 0;
        for (int i = 0; i < count; i++)
        {
            var (nearLeft, y, depth, kerb) = KerbPoint(horizon, left, right, 0.15, 0.7);
            double x = kerb + (nearLeft ? 1 : -1) * canvas.Width * 0.05 * depth;
            double radius = canvas.Height * 0.045 * (0.4 + depth);
            double thickness = Math.Max(1, 1.6 * depth);
            var frame = Pick((25.0, 25.0, 25.0), (45.0, 45.0, 50.0), (90.0, 20.0, 20.0));
            if (Camouflaged()) frame = Scale(asphalt, Tone());
            double back = x - radius * 1.3, front = x + radius * 1.3;
            canvas.Ring(back, y - radius, radius, thickness, SceneClasses.Bicycle, (px, py) => Shade(frame, px, py, 0.05));
            canvas.Ring(front, y - radius, radius, thickness, SceneClasses.Bicycle, (px, py) => Shade(frame, px, py, 0.05));
            canvas.Line(back, y - radius, x, y - radius * 2.1, thickness, SceneClasses.Bicycle, (px, py) => Shade(frame, px, py, 0.05));
            canvas.Line(x, y - radius * 2.1, front, y - radius, thickness, SceneClasses.Bicycle, (px, py) => Shade(frame, px, py, 0.05));
            canvas.Line(back, y - radius, front - radius * 0.6, y - radius * 2.0, thickness, SceneClasses.Bicycle, (px, py) => Shade(frame, px, py, 0.05));
        }
    }

    private void PaintBonnet()
    {
        double top = canvas.Height * Uniform(0.86, 0.92);
        var paint = Pick((30.0, 30.0, 35.0), (160.0, 160.0, 165.0), (90.0, 20.0, 20.0));
        canvas.FillEllipse(canvas.Width / 2.0, canvas.Height * 1.25, canvas.Width * 0.75, canvas.Height * 1.25 - top, SceneClasses.Ignore,
            (px, py) => Shade(paint, px, py, 0.03));
    }

    private bool Camouflaged() => confusability > 0 && camouflage.NextDouble() < confusability;

    private double Tone() => 0.9 + 0.2 * camouflage.NextDouble();

    private (double, double, double) Shade((double r, double g, double b) colour, int x, int y, double texture)
    {
        double n = 1 + texture * Noise(x, y) + 0.04 * Noise(x / 7, y / 7 + 1000);
        return (colour.r * light * tint.r * n, colour.g * light * tint.g * n, colour.b * light * tint.b * n);
    }

    /// <summary>Deterministic per-pixel noise in [−1, 1] from a hash of (x, y, seed).</summary>
    private double Noise(int x, int y)
    {
        uint h = (uint)x * 374761393u + (uint)y * 668265263u + (uint)seed * 2246822519u;
        h = (h ^ (h >> 13)) * 1274126177u;
        h ^= h >> 16;
        return h / (double)uint.MaxValue * 2 - 1;
    }

    private static (double, double, double) Mix((double r, double g, double b) a, (double r, double g, double b) b, double t) =>
        (a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t);

    private static (double, double, double) Scale((double r, double g, double b) c, double f) => (c.r * f, c.g * f, c.b * f);

    private double Uniform(double min, double max) => min + (max - min) * random.NextDouble();

    private T Pick<T>(params T[] options) => options[random.Next(options.Length)];
}
