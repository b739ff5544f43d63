using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Inference;

/// <summary>
/// mmsegmentation's <c>slide</c> inference: windows of <see cref="Window"/> every <see cref="Stride"/> pixels cover the image,
/// the last window of a row or column is shifted inside the image so none hangs over the border, and where windows overlap
/// their logits are averaged. In a dimension where the image is smaller than the window the window is clipped to the image,
/// so that crop runs at the image's own size (no padding).
/// </summary>
public sealed class SlidingWindow
{
    /// <param name="window">Window size.</param>
    /// <param name="stride">Step between window origins; at most the window (larger strides would leave pixels uncovered).</param>
    public SlidingWindow(WindowSize window, WindowSize stride)
    {
        if (stride.Width > window.Width || stride.Height > window.Height)
            throw new ArgumentException($"--stride {stride} is larger than --window {window}: pixels between windows would get no prediction; use a stride at most the window.");
        Window = window;
        Stride = stride;
    }

    /// <summary>Window size.</summary>
    public WindowSize Window { get; }

    /// <summary>Step between window origins.</summary>
    public WindowSize Stride { get; }

    /// <summary>The window origins along one dimension of <paramref name="length"/> pixels (mmsegmentation's grid).</summary>
    public static IReadOnlyList<(long Start, long End)> Spans(long length, int window, int stride)
    {
        long count = Math.Max(length - window + stride - 1, 0) / stride + 1;
        var spans = new (long, long)[count];
        for (long i = 0; i < count; i++)
        {
            long end = Math.Min(i * stride + window, length);
            spans[i] = (Math.Max(end - window, 0), end);
        }
        return spans;
    }

    private static TensorIndex[] Region(long top, long bottom, long left, long right) =>
        [TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(top, bottom), TensorIndex.Slice(left, right)];

    /// <summary>Logits [N, C, H, W] of <paramref name="images"/> [N, 3, H, W], averaged over the windows covering each pixel.</summary>
    public Tensor Logits(Func<Tensor, Tensor> forward, Tensor images)
    {
        using var scope = NewDisposeScope();
        long height = images.shape[2], width = images.shape[3];
        Tensor? sum = null;
        using var count = zeros(1, 1, height, width, dtype: ScalarType.Float32, device: images.device);
        foreach (var (top, bottom) in Spans(height, Window.Height, Stride.Height))
        foreach (var (left, right) in Spans(width, Window.Width, Stride.Width))
        {
            using var windowScope = NewDisposeScope();
            var crop = images[Region(top, bottom, left, right)];
            var logits = forward(crop);
            if (logits.dim() != 4 || logits.shape[2] != bottom - top || logits.shape[3] != right - left)
                throw new InvalidOperationException(
                    $"sliding-window inference needs logits at the input size: a {right - left}x{bottom - top} window gave shape [{string.Join(", ", logits.shape)}].");
            if (sum is null)
            {
                sum = zeros(images.shape[0], logits.shape[1], height, width, dtype: logits.dtype, device: images.device);
                sum.MoveToOuterDisposeScope();
            }
            sum[Region(top, bottom, left, right)].add_(logits, Scalars.One);
            count[Region(top, bottom, left, right)].add_(Scalars.One, Scalars.One);
        }
        return sum!.div(count).MoveToOuterDisposeScope();
    }
}
