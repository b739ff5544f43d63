using ScottPlot;

namespace RecallKit.Vision.Reports;

/// <summary>The report's figures, rendered headless to PNG with ScottPlot.</summary>
internal static class Charts
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>Grouped bars: one group per class (in the given order), one bar per variant.</summary>
    public static void GroupedBars(string path, string title, string yLabel, IReadOnlyList<string> classNames,
        IReadOnlyList<(string name, double[] values)> series)
    {
        var plot = new Plot();
        double width = 0.8 / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (int c = 0; c < classNames.Count; c++)
            {
                var v = series[s].values[c];
                bars.Add(new Bar
                {
                    Position = c - 0.4 + width * (s + 0.5),
                    Value = double.IsFinite(v) ? v : 0,
                    Size = width * 0.95,
                    FillColor = Palette.GetColor(s),
                    LineWidth = 0,
                });
            }
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = series[s].name;
        }
        ClassAxis(plot, classNames);
        plot.Axes.SetLimitsY(0, 105);
        Finish(plot, path, title, yLabel, width: Math.Max(900, 80 * classNames.Count), height: 480);
    }

    /// <summary>Lines over steps, one per series.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<(string name, double[] x, double[] y)> series)
    {
        var plot = new Plot();
        for (int s = 0; s < series.Count; s++)
        {
            var line = plot.Add.Scatter(series[s].x, series[s].y, Palette.GetColor(s));
            line.LegendText = series[s].name;
            line.MarkerSize = series[s].x.Length > 40 ? 0 : 5;
            line.LineWidth = 2;
        }
        plot.XLabel(xLabel);
        Finish(plot, path, title, yLabel, 900, 480);
    }

    /// <summary>Per-class precision (x) against recall (y), one colour per variant, classes labelled.</summary>
    public static void PrecisionRecall(string path, string title, IReadOnlyList<string> classNames,
        IReadOnlyList<(string name, double[] precision, double[] recall)> series)
    {
        var plot = new Plot();
        for (int s = 0; s < series.Count; s++)
        {
            var xs = series[s].precision.Select(v => double.IsFinite(v) ? v : 0).ToArray();
            var ys = series[s].recall.Select(v => double.IsFinite(v) ? v : 0).ToArray();
            var points = plot.Add.ScatterPoints(xs, ys, Palette.GetColor(s));
            points.MarkerSize = 9;
            points.LegendText = series[s].name;
            if (s == 0)
            {
                for (int c = 0; c < classNames.Count; c++)
                {
                    var label = plot.Add.Text(classNames[c], xs[c], ys[c]);
                    label.LabelFontSize = 11;
                    label.OffsetX = 6;
                    label.LabelFontColor = Colors.Gray;
                }
            }
        }
        var diagonal = plot.Add.Line(0, 0, 100, 100);
        diagonal.LineColor = Colors.LightGray;
        diagonal.LinePattern = LinePattern.Dashed;
        var all = series.SelectMany(s => s.precision.Concat(s.recall)).Where(double.IsFinite).DefaultIfEmpty(0);
        double low = Math.Max(0, Math.Floor((all.Min() - 5) / 10) * 10);
        plot.Axes.SetLimits(low, 110, low, 104);
        plot.XLabel("precision (%)");
        Finish(plot, path, title, "recall = class accuracy (%)", 800, 700);
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

    private static void Finish(Plot plot, string path, string title, string yLabel, int width, int height)
    {
        plot.Title(title);
        plot.YLabel(yLabel);
        // Outside the data area: with ten variants or classes an inside legend hides bars and points.
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, width + 180, height);
    }
}
