using ScottPlot;

namespace RecallKit.Vision.Reports;

/// <summary>One line of a line chart: its legend text, colour and pattern.</summary>
internal sealed record LineSeries(string Legend, Color Color, double[] X, double[] Y, LinePattern Pattern);

/// <summary>
/// What a chart drew, read back from the rendered plot: its legend (text and colour of each entry) and, for the precision–recall
/// figure, where each class label ended up in pixels.
/// </summary>
/// <param name="File">The PNG's file name.</param>
/// <param name="Legend">The legend entries in order.</param>
/// <param name="Labels">The rendered label boxes (empty when the chart has no point labels).</param>
/// <param name="DataArea">The data area in pixels.</param>
internal sealed record ReportFigure(string File, IReadOnlyList<(string Text, Color Color)> Legend, IReadOnlyList<PixelBox> Labels, PixelBox DataArea)
{
    /// <summary>Per label: its text and the variant whose point it names.</summary>
    public IReadOnlyList<(string Text, string Variant)> LabelledPoints { get; init; } = [];
}
