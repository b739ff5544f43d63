using ScottPlot;

namespace RecallKit.Vision.Reports;

/// <summary>
/// The report's figures, rendered headless to PNG with ScottPlot. Every chart that shows variants colours them with the
/// report's <see cref="LossPalette"/>, so a loss has one colour throughout.
/// </summary>
internal static class Charts
{
    private static readonly MarkerShape[] Shapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    /// <summary>Grouped bars: one group per class (in the given order), one bar per variant.</summary>
    public static ReportFigure GroupedBars(string path, string title, string yLabel, IReadOnlyList<string> classNames,
        IReadOnlyList<(string name, double[] values)> series, LossPalette palette)
    {
        var plot = new Plot();
        double width = 0.8 / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            var colour = palette.Of(series[s].name);
            var bars = new List<Bar>();
            for (int c = 0; c < classNames.Count; c++)
            {
                var v = series[s].values[c];
                bars.Add(new Bar
                {
                    Position = c - 0.4 + width * (s + 0.5),
                    Value = double.IsFinite(v) ? v : 0,
                    Size = width * 0.95,
                    FillColor = colour,
                    LineWidth = 0,
                });
            }
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = series[s].name;
            plottable.Color = colour;
        }
        ClassAxis(plot, classNames);
        plot.Axes.SetLimitsY(0, 105);
        return Finish(plot, path, title, yLabel, width: Math.Max(900, 80 * classNames.Count), height: 480);
    }

    /// <summary>Lines over steps.</summary>
    public static ReportFigure Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series)
    {
        var plot = new Plot();
        foreach (var s in series)
        {
            var line = plot.Add.Scatter(s.X, s.Y, s.Color);
            line.LegendText = s.Legend;
            line.MarkerSize = s.X.Length > 40 ? 0 : 5;
            line.LineWidth = 2;
            line.LinePattern = s.Pattern;
        }
        plot.XLabel(xLabel);
        return Finish(plot, path, title, yLabel, 900, 480);
    }

    /// <summary>
    /// Per-class precision (x) against recall (y): one colour and marker per variant. Each class is named once, at its point that
    /// lies farthest from every other class's points (so classes whose points coincide under one loss, e.g. never predicted, are
    /// named where they differ), and grey lines join that point to the class's points under the other variants. Labels are
    /// placed where they overlap no other label, with a leader line when they sit away from their point. A class absent from the
    /// evaluated split (recall undefined) has no point; a class never predicted sits at precision 0.
    /// </summary>
    public static ReportFigure PrecisionRecall(string path, string title, IReadOnlyList<string> classNames,
        IReadOnlyList<(string name, double[] precision, double[] recall)> series, LossPalette palette)
    {
        const int width = 980, height = 760;
        var plot = new Plot();
        double X(int s, int c) => double.IsFinite(series[s].precision[c]) ? series[s].precision[c] : 0;
        bool Has(int s, int c) => double.IsFinite(series[s].recall[c]);

        var diagonal = plot.Add.Line(0, 0, 100, 100);
        diagonal.LineColor = Colors.LightGray;
        diagonal.LinePattern = LinePattern.Dashed;
        for (int s = 0; s < series.Count; s++)
        {
            var shown = Enumerable.Range(0, classNames.Count).Where(c => Has(s, c)).ToArray();
            var points = plot.Add.ScatterPoints(shown.Select(c => X(s, c)).ToArray(), shown.Select(c => series[s].recall[c]).ToArray(), palette.Of(series[s].name));
            points.MarkerSize = 9;
            points.MarkerShape = Shapes[s % Shapes.Length];
            points.LegendText = series[s].name;
        }
        var all = series.SelectMany(s => s.precision.Concat(s.recall)).Where(double.IsFinite).DefaultIfEmpty(0);
        double low = Math.Max(0, Math.Floor((all.Min() - 5) / 10) * 10);
        plot.Axes.SetLimits(low - 2, 112, low - 2, 104); // a margin so that points at 0 (never predicted) are not cut by the axes
        plot.XLabel("precision (%)");
        plot.Title(title);
        plot.YLabel("recall = class accuracy (%)");
        plot.ShowLegend(Edge.Right);

        // Lay the plot out once to know where the points are, then keep that layout while the labels are added.
        plot.RenderInMemory(width, height);
        var area = plot.RenderManager.LastRender.DataRect;
        plot.Layout.Fixed(area);
        var bounds = new PixelBox(area.Left, area.Top, area.Width, area.Height);
        var pixels = Enumerable.Range(0, series.Count).SelectMany(s => Enumerable.Range(0, classNames.Count).Where(c => Has(s, c))
            .Select(c => (s, c, p: plot.GetPixel(new Coordinates(X(s, c), series[s].recall[c]))))).ToList();
        var labelled = Enumerable.Range(0, classNames.Count).Where(c => pixels.Any(q => q.c == c)).ToArray();
        // Per class, the variant whose point is farthest from every other class's points (the first variant on a tie).
        var labelAt = labelled.ToDictionary(c => c, c => pixels.Where(q => q.c == c)
            .Select(q => (q.s, clearance: pixels.Where(o => o.c != c).Select(o => Math.Sqrt(Math.Pow(o.p.X - q.p.X, 2) + Math.Pow(o.p.Y - q.p.Y, 2))).DefaultIfEmpty(double.MaxValue).Min()))
            .OrderByDescending(x => Math.Round(x.clearance, 3)).ThenBy(x => x.s).First().s);
        var guide = Colors.Gray.WithAlpha(0.6);
        foreach (var c in labelled)
        {
            int at = labelAt[c];
            for (int s = 0; s < series.Count; s++)
            {
                if (s == at || !Has(s, c)) continue;
                var join = plot.Add.Line(X(at, c), series[at].recall[c], X(s, c), series[s].recall[c]);
                join.LineColor = guide;
                join.LineWidth = 1;
            }
        }
        // Points drawn over the joins.
        foreach (var p in plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToArray()) plot.MoveToTop(p);
        var anchors = labelled.Select(c => pixels.Single(q => q.c == c && q.s == labelAt[c]).p).Select(p => ((double)p.X, (double)p.Y)).ToList();
        var obstacles = pixels.Select(q => PixelBox.Around(q.p.X, q.p.Y, 10, 10)).ToList();
        var style = new LabelStyle { FontSize = 12 };
        using var paint = Paint.NewDisposablePaint();
        var sizes = labelled.Select(c => style.Measure(classNames[c], paint).Size).Select(z => ((double)Math.Ceiling(z.Width) + 4, (double)Math.Ceiling(z.Height) + 2)).ToList();
        var boxes = LabelPlacement.Place(anchors, sizes, bounds, obstacles);

        var texts = new List<ScottPlot.Plottables.Text>();
        for (int i = 0; i < labelled.Length; i++)
        {
            var (ax, ay) = anchors[i];
            var box = boxes[i];
            var (nx, ny) = box.Nearest(ax, ay);
            if (Math.Sqrt(((nx - ax) * (nx - ax)) + ((ny - ay) * (ny - ay))) > 8)
            {
                var from = plot.GetCoordinates(new Pixel((float)ax, (float)ay));
                var to = plot.GetCoordinates(new Pixel((float)nx, (float)ny));
                var leader = plot.Add.Line(from, to);
                leader.LineColor = Colors.DimGray;
                leader.LineWidth = 1;
            }
            // The text's anchor is the box centre, in data coordinates.
            var centre = plot.GetCoordinates(new Pixel((float)(box.Left + (box.Width / 2)), (float)(box.Top + (box.Height / 2))));
            var text = plot.Add.Text(classNames[labelled[i]], centre.X, centre.Y);
            text.LabelFontSize = style.FontSize;
            text.LabelFontColor = Colors.Black;
            text.LabelAlignment = Alignment.MiddleCenter;
            texts.Add(text);
        }
        plot.SavePng(path, width, height);
        var rendered = texts.Select(t => t.LabelLastRenderPixelRect).Select(r => new PixelBox(r.Left, r.Top, r.Width, r.Height)).ToArray();
        return new ReportFigure(Path.GetFileName(path), LegendOf(plot), rendered, bounds)
        {
            LabelledPoints = labelled.Select(c => (classNames[c], series[labelAt[c]].name)).ToArray(),
        };
    }

    private static void ClassAxis(Plot plot, IReadOnlyList<string> classNames)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int c = 0; c < classNames.Count; c++) ticks.AddMajor(c, classNames[c]);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.SetLimitsX(-0.6, classNames.Count - 0.4);
    }

    private static ReportFigure Finish(Plot plot, string path, string title, string yLabel, int width, int height)
    {
        plot.Title(title);
        plot.YLabel(yLabel);
        // Outside the data area: with ten variants or classes an inside legend hides bars and points.
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, width + 180, height);
        var area = plot.RenderManager.LastRender.DataRect;
        return new ReportFigure(Path.GetFileName(path), LegendOf(plot), [], new PixelBox(area.Left, area.Top, area.Width, area.Height));
    }

    /// <summary>The legend as drawn: each entry's text and the colour of its symbol (fill, else marker, else line).</summary>
    private static List<(string Text, Color Color)> LegendOf(Plot plot) =>
        plot.Legend.GetItems().Select(item => (item.LabelText,
            item.FillColor.A > 0 ? item.FillColor : item.MarkerShape != MarkerShape.None && item.MarkerSize > 0 ? item.MarkerFillColor : item.LineColor)).ToList();
}
