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
        sample.Validate();
        int width = view.CropWidth, height = view.CropHeight, plane = width * height;
        var image = new float[3 * plane];
        var labels = new long[plane];
        var columns = Columns(sample.Width, view);
        if (columns.First > columns.Last)
        {
            labels.AsSpan().Fill(ignore_index);
            return (image, labels);
        }
        Span<float> scale = stackalloc float[3];
        Span<float> bias = stackalloc float[3];
        for (int ch = 0; ch < 3; ch++)
        {
            scale[ch] = (float)(1.0 / (255.0 * SegmentationTransforms.Std[ch]));
            bias[ch] = (float)(-SegmentationTransforms.Mean[ch] / (double)SegmentationTransforms.Std[ch]);
        }
        float brightness = (float)view.Brightness, contrast = (float)view.Contrast, saturation = (float)view.Saturation;
        bool jitter = view.Jitters;
        int spanBytes = 3 * (columns.SourceLast - columns.SourceFirst + 1);
        var blended = new float[spanBytes];
        double sy = (double)sample.Height / view.ScaledHeight;
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            var rowLabels = labels.AsSpan(row, width);
            int py = y + view.OffsetY;
            if (py < 0 || py >= view.ScaledHeight)
            {
                rowLabels.Fill(ignore_index);
                continue;
            }
            double fy = (py + 0.5) * sy - 0.5;
            int ny = Math.Clamp((int)Math.Round(fy), 0, sample.Height - 1);
            double cy = Math.Clamp(fy, 0, sample.Height - 1);
            int y0 = (int)cy, y1 = Math.Min(y0 + 1, sample.Height - 1);
            float ay = (float)(cy - y0);
            BlendRows(sample.Rgb.AsSpan(3 * (y0 * sample.Width + columns.SourceFirst), spanBytes),
                sample.Rgb.AsSpan(3 * (y1 * sample.Width + columns.SourceFirst), spanBytes), ay, blended);

            rowLabels[..columns.First].Fill(ignore_index);
            rowLabels[(columns.Last + 1)..].Fill(ignore_index);
            int labelRow = ny * sample.Width;
            for (int x = columns.First; x <= columns.Last; x++) rowLabels[x] = sample.Labels[labelRow + columns.Nearest[x]];

            for (int x = columns.First; x <= columns.Last; x++)
            {
                int i0 = columns.Left[x], i1 = columns.Right[x];
                float a = columns.Weight[x], w = 1 - a;
                float r = blended[i0] * w + blended[i1] * a;
                float g = blended[i0 + 1] * w + blended[i1 + 1] * a;
                float b = blended[i0 + 2] * w + blended[i1 + 2] * a;
                if (jitter)
                {
                    float grey = 0.299f * r + 0.587f * g + 0.114f * b;
                    r = Jitter(r, grey, saturation, contrast, brightness);
                    g = Jitter(g, grey, saturation, contrast, brightness);
                    b = Jitter(b, grey, saturation, contrast, brightness);
                }
                int o = row + x;
                image[o] = r * scale[0] + bias[0];
                image[plane + o] = g * scale[1] + bias[1];
                image[2 * plane + o] = b * scale[2] + bias[2];
            }
        }
        return (image, labels);
    }

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
