using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// A small encoder–decoder for CPU demos: three stride-2 stages (1/2, 1/4, 1/8), a dilated context block at 1/8
/// (rates 1, 2, 4 and image pooling), and a decoder that adds skips at 1/4 and 1/2; logits at the input size.
/// About 0.2 M parameters at width 16.
/// </summary>
public sealed class LiteSegNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential stem;
    private readonly Sequential stage2;
    private readonly Sequential stage3;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> context;
    private readonly ConvBnRelu pooled;
    private readonly ConvBnRelu project;
    private readonly ConvBnRelu fuse4;
    private readonly ConvBnRelu fuse2;
    private readonly Conv2d classifier;

    /// <param name="num_classes">Output classes.</param>
    /// <param name="width">Channels of the first stage (then 2× and 4×).</param>
    public LiteSegNet(int num_classes, int width = 16) : base(nameof(LiteSegNet))
    {
        if (num_classes < 1) throw new ArgumentOutOfRangeException(nameof(num_classes), num_classes, "num_classes must be at least 1.");
        if (width < 4) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 4.");
        int w1 = width, w2 = 2 * width, w3 = 4 * width;
        this.num_classes = num_classes;
        stem = nn.Sequential(new ConvBnRelu(3, w1, stride: 2), new ConvBnRelu(w1, w1));
        stage2 = nn.Sequential(new ConvBnRelu(w1, w2, stride: 2), new ConvBnRelu(w2, w2));
        stage3 = nn.Sequential(new ConvBnRelu(w2, w3, stride: 2), new ConvBnRelu(w3, w3));
        context = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new ConvBnRelu(w3, w2, kernel_size: 1), new ConvBnRelu(w3, w2, dilation: 2), new ConvBnRelu(w3, w2, dilation: 4));
        pooled = new ConvBnRelu(w3, w2, kernel_size: 1);
        project = new ConvBnRelu(4 * w2, w3, kernel_size: 1);
        fuse4 = new ConvBnRelu(w3 + w2, w2);
        fuse2 = new ConvBnRelu(w2 + w1, w1);
        classifier = nn.Conv2d(w1, num_classes, 1);
        RegisterComponents();
    }

    /// <summary>Number of output classes.</summary>
    public int num_classes { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        InputChecks.RequireImageBatch(input, nameof(LiteSegNet));
        using var scope = NewDisposeScope();
        var half = stem.call(input);
        var quarter = stage2.call(half);
        var eighth = stage3.call(quarter);
        var branches = context.Select(b => b.call(eighth)).ToList();
        var image = pooled.call(nn.functional.adaptive_avg_pool2d(eighth, 1)).expand(-1, -1, eighth.shape[2], eighth.shape[3]);
        branches.Add(image);
        var x = project.call(cat(branches, 1));
        x = fuse4.call(cat([Resize(x, quarter), quarter], 1));
        x = fuse2.call(cat([Resize(x, half), half], 1));
        var logits = ComputePrecision.ToFloat32(ComputePrecision.Convolve(classifier, x));
        return Resize(logits, input).MoveToOuterDisposeScope();
    }

    private static Tensor Resize(Tensor x, Tensor like) =>
        BilinearResize.Resize(x, like.shape[2], like.shape[3]);
}
