using System.Numerics;

namespace RecallKit.Vision.Data;

/// <summary>
/// Renders a <see cref="TrainingView"/> row by row in float32. The source coordinate of an output column depends only on the
/// column and that of a row only on the row, so both are computed once per column and per row (in double, exactly as the
/// per-pixel transform did). Per output row: the two source rows are blended vertically with <see cref="Vector{T}"/> over the
/// span the crop reads, then each pixel is interpolated horizontally, colour-jittered and normalised. Labels take the nearest
/// source pixel of the same coordinates, so they are bit-identical to the per-pixel transform's; image values agree with its
/// double-precision bilinear values to float rounding (tested).
/// </summary>
public static class RowSampler
{
    /// <summary>The view's normalised CHW image and labels (outside the image: the mean colour, i.e. 0, and <paramref name="ignore_index"/>).</summary>
    public static (float[] image, long[] labels) Render(LabeledImage sample, TrainingView view, int ignore_index)
    {
        var image = GC.AllocateUninitializedArray<float>(3 * view.CropWidth * view.CropHeight); // every element is written
        var labels = GC.AllocateUninitializedArray<long>(view.CropWidth * view.CropHeight);
        Render(sample, view, ignore_index, image, labels);
        return (image, labels);
    }

    /// <summary>
    /// Renders into <paramref name="image"/> (3·H·W, CHW) and <paramref name="labels"/> (H·W), e.g. a sample's slot of a batch,
    /// writing every element.
    /// </summary>
    public static void Render(LabeledImage sample, TrainingView view, int ignore_index, Span<float> image, Span<long> labels)
    {
        sample.Validate();
        int width = view.CropWidth, height = view.CropHeight, plane = width * height;
        if (image.Length != 3 * plane || labels.Length != plane)
            throw new ArgumentException($"the buffers hold {image.Length} image values and {labels.Length} labels, the {width}×{height} view needs {3 * plane} and {plane}.");
        var columns = Columns(sample.Width, view);
        if (columns.First > columns.Last)
        {
            image.Clear();
            labels.Fill(ignore_index);
            return;
        }
        float scaleR = Scale(0), scaleG = Scale(1), scaleB = Scale(2), biasR = Bias(0), biasG = Bias(1), biasB = Bias(2);
        float brightness = (float)view.Brightness, contrast = (float)view.Contrast, saturation = (float)view.Saturation;
        bool jitter = view.Jitters;
        int spanBytes = 3 * (columns.SourceLast - columns.SourceFirst + 1);
        var blended = new float[spanBytes];
        int[] left = columns.Left, right = columns.Right, nearest = columns.Nearest;
        float[] weight = columns.Weight;
        int first = columns.First, last = columns.Last;
        double sy = (double)sample.Height / view.ScaledHeight;
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            var rowLabels = labels.Slice(row, width);
            Span<float> r = image.Slice(row, width), g = image.Slice(plane + row, width), b = image.Slice(2 * plane + row, width);
            int py = y + view.OffsetY;
            if (py < 0 || py >= view.ScaledHeight)
            {
                rowLabels.Fill(ignore_index);
                r.Clear(); // normalised 0 = the mean colour
                g.Clear();
                b.Clear();
                continue;
            }
            double fy = (py + 0.5) * sy - 0.5;
            int ny = Math.Clamp((int)Math.Round(fy), 0, sample.Height - 1);
            double cy = Math.Clamp(fy, 0, sample.Height - 1);
            int y0 = (int)cy, y1 = Math.Min(y0 + 1, sample.Height - 1);
            float ay = (float)(cy - y0);
            BlendRows(sample.Rgb.AsSpan(3 * (y0 * sample.Width + columns.SourceFirst), spanBytes),
                sample.Rgb.AsSpan(3 * (y1 * sample.Width + columns.SourceFirst), spanBytes), ay, blended);

            rowLabels[..first].Fill(ignore_index);
            rowLabels[(last + 1)..].Fill(ignore_index);
            r[..first].Clear();
            g[..first].Clear();
            b[..first].Clear();
            r[(last + 1)..].Clear();
            g[(last + 1)..].Clear();
            b[(last + 1)..].Clear();
            var labelRow = sample.Labels.AsSpan(ny * sample.Width, sample.Width);
            for (int x = first; x <= last; x++) rowLabels[x] = labelRow[nearest[x]];

            for (int x = first; x <= last; x++)
            {
                int i0 = left[x], i1 = right[x];
                float a = weight[x], w = 1 - a;
                float red = blended[i0] * w + blended[i1] * a;
                float green = blended[i0 + 1] * w + blended[i1 + 1] * a;
                float blue = blended[i0 + 2] * w + blended[i1 + 2] * a;
                if (jitter)
                {
                    float grey = 0.299f * red + 0.587f * green + 0.114f * blue;
                    red = Jitter(red, grey, saturation, contrast, brightness);
                    green = Jitter(green, grey, saturation, contrast, brightness);
                    blue = Jitter(blue, grey, saturation, contrast, brightness);
                }
                r[x] = red * scaleR + biasR;
                g[x] = green * scaleG + biasG;
                b[x] = blue * scaleB + biasB;
            }
        }
    }

    private static float Scale(int channel) => (float)(1.0 / (255.0 * SegmentationTransforms.Std[channel]));

    private static float Bias(int channel) => (float)(-SegmentationTransforms.Mean[channel] / (double)SegmentationTransforms.Std[channel]);

    private static float Jitter(float value, float grey, float saturation, float contrast, float brightness)
    {
        float v = grey + (value - grey) * saturation;
        v = 128 + (v - 128) * contrast;
        return Math.Clamp(v * brightness, 0f, 255f);
    }

    /// <summary>
    /// Per output column: the interpolation's byte offsets into the blended row (left and right neighbour), the right
    /// neighbour's weight, the nearest source column (labels), and the range of columns inside the rescaled image.
    /// </summary>
    private sealed record ColumnTable(int[] Left, int[] Right, float[] Weight, int[] Nearest, int First, int Last, int SourceFirst, int SourceLast);

    private static ColumnTable Columns(int sourceWidth, TrainingView view)
    {
        int width = view.CropWidth;
        var x0s = new int[width];
        var x1s = new int[width];
        var weight = new float[width];
        var nearest = new int[width];
        int first = width, last = -1, sourceFirst = int.MaxValue, sourceLast = -1;
        double sx = (double)sourceWidth / view.ScaledWidth;
        for (int x = 0; x < width; x++)
        {
            int px = (view.Flip ? width - 1 - x : x) + view.OffsetX;
            if (px < 0 || px >= view.ScaledWidth) continue; // a contiguous run of columns is inside: the mapping is monotonic
            first = Math.Min(first, x);
            last = Math.Max(last, x);
            double fx = (px + 0.5) * sx - 0.5;
            nearest[x] = Math.Clamp((int)Math.Round(fx), 0, sourceWidth - 1);
            double cx = Math.Clamp(fx, 0, sourceWidth - 1);
            int x0 = (int)cx, x1 = Math.Min(x0 + 1, sourceWidth - 1);
            x0s[x] = x0;
            x1s[x] = x1;
            weight[x] = (float)(cx - x0);
            sourceFirst = Math.Min(sourceFirst, x0);
            sourceLast = Math.Max(sourceLast, x1);
        }
        if (first > last) return new ColumnTable(x0s, x1s, weight, nearest, first, last, 0, 0);
        for (int x = first; x <= last; x++)
        {
            x0s[x] = 3 * (x0s[x] - sourceFirst);
            x1s[x] = 3 * (x1s[x] - sourceFirst);
        }
        return new ColumnTable(x0s, x1s, weight, nearest, first, last, sourceFirst, sourceLast);
    }

    /// <summary><paramref name="result"/>[i] = top[i]·(1 − <paramref name="ay"/>) + bottom[i]·<paramref name="ay"/>, in float.</summary>
    internal static void BlendRows(ReadOnlySpan<byte> top, ReadOnlySpan<byte> bottom, float ay, Span<float> result)
    {
        float wt = 1 - ay;
        int i = 0;
        if (Vector.IsHardwareAccelerated && top.Length >= Vector<byte>.Count)
        {
            var topWeight = new Vector<float>(wt);
            var bottomWeight = new Vector<float>(ay);
            int lanes = Vector<float>.Count;
            for (; i <= top.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Widen(new Vector<byte>(top[i..]), out var t0, out var t1, out var t2, out var t3);
                Widen(new Vector<byte>(bottom[i..]), out var b0, out var b1, out var b2, out var b3);
                (t0 * topWeight + b0 * bottomWeight).CopyTo(result[i..]);
                (t1 * topWeight + b1 * bottomWeight).CopyTo(result[(i + lanes)..]);
                (t2 * topWeight + b2 * bottomWeight).CopyTo(result[(i + 2 * lanes)..]);
                (t3 * topWeight + b3 * bottomWeight).CopyTo(result[(i + 3 * lanes)..]);
            }
        }
        for (; i < top.Length; i++) result[i] = top[i] * wt + bottom[i] * ay;
    }

    private static void Widen(Vector<byte> bytes, out Vector<float> a, out Vector<float> b, out Vector<float> c, out Vector<float> d)
    {
        Vector.Widen(bytes, out Vector<ushort> low, out Vector<ushort> high);
        Vector.Widen(low, out Vector<uint> l0, out Vector<uint> l1);
        Vector.Widen(high, out Vector<uint> h0, out Vector<uint> h1);
        a = Vector.ConvertToSingle(l0);
        b = Vector.ConvertToSingle(l1);
        c = Vector.ConvertToSingle(h0);
        d = Vector.ConvertToSingle(h1);
    }
}
