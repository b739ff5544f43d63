using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// DeepLabV3+ (Chen et al. 2018) on a dilated ResNet: ASPP (rates 6/12/18 at output stride 16, 12/24/36 at 8; 256 channels,
/// image pooling, dropout 0.1), decoder with layer1 features reduced to 48 channels, two 3×3 convolutions, 1×1 classifier,
/// logits bilinearly upsampled to the input size. Optionally an auxiliary <see cref="FcnHead"/> on layer3 (state keys
/// <c>aux_head.*</c>), evaluated only by <see cref="ForwardWithAuxiliary"/> during training; <see cref="forward"/> never runs it.
/// </summary>
public sealed class DeepLabV3Plus : nn.Module<Tensor, Tensor>
{
    private readonly ResNetBackbone backbone;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> aspp;
    private readonly ConvBnRelu aspp_pool;
    private readonly ConvBnRelu aspp_project;
    private readonly Dropout aspp_dropout;
    private readonly ConvBnRelu reduce_low;
    private readonly Sequential decoder;
    private readonly Conv2d classifier;
    private readonly FcnHead? aux_head;

    /// <param name="num_classes">Output classes.</param>
    /// <param name="depth">Backbone depth.</param>
    /// <param name="output_stride">8 or 16.</param>
    /// <param name="auxiliary_head">Add the auxiliary FCN head on layer3 (training only).</param>
    public DeepLabV3Plus(int num_classes, ResNetDepth depth, int output_stride = 16, bool auxiliary_head = false) : base(nameof(DeepLabV3Plus))
    {
        if (num_classes < 1) throw new ArgumentOutOfRangeException(nameof(num_classes), num_classes, "num_classes must be at least 1.");
        if (output_stride is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(output_stride), output_stride, "output_stride must be 8 or 16.");
        backbone = new ResNetBackbone(depth, output_stride);
        long[] rates = output_stride == 16 ? [6, 12, 18] : [12, 24, 36];
        long high = backbone.HighChannels;
        aspp = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new ConvBnRelu(high, 256, kernel_size: 1),
            new ConvBnRelu(high, 256, dilation: rates[0]),
            new ConvBnRelu(high, 256, dilation: rates[1]),
            new ConvBnRelu(high, 256, dilation: rates[2]));
        aspp_pool = new ConvBnRelu(high, 256, kernel_size: 1);
        aspp_project = new ConvBnRelu(5 * 256, 256, kernel_size: 1);
        aspp_dropout = nn.Dropout(0.1);
        reduce_low = new ConvBnRelu(backbone.LowChannels, 48, kernel_size: 1);
        decoder = nn.Sequential(new ConvBnRelu(256 + 48, 256), new ConvBnRelu(256, 256));
        classifier = nn.Conv2d(256, num_classes, 1);
        if (auxiliary_head) aux_head = new FcnHead(backbone.Layer3Channels, num_classes);
        RegisterComponents();
    }

    /// <summary>State-key prefix of the auxiliary head.</summary>
    public const string AuxiliaryPrefix = "aux_head.";

    /// <summary>Whether the network has the auxiliary head.</summary>
    public bool HasAuxiliaryHead => aux_head is not null;

    /// <summary>The ResNet trunk (its state-dict keys are <c>backbone.*</c> with torchvision's names).</summary>
    public ResNetBackbone Backbone => backbone;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        InputChecks.RequireImageBatch(input, nameof(DeepLabV3Plus));
        using var scope = NewDisposeScope();
        var (low, high) = backbone.call(input);
        return Decode(input, low, high).MoveToOuterDisposeScope();
    }

    /// <summary>The main logits and the auxiliary head's, both bilinearly upsampled to the input size (training).</summary>
    /// <exception cref="InvalidOperationException">The network was built without the auxiliary head.</exception>
    public (Tensor logits, Tensor auxiliary) ForwardWithAuxiliary(Tensor input)
    {
        if (aux_head is null) throw new InvalidOperationException("this DeepLabV3+ has no auxiliary head (model.aux_head = false).");
        InputChecks.RequireImageBatch(input, nameof(DeepLabV3Plus));
        using var scope = NewDisposeScope();
        var (low, layer3, high) = backbone.Features(input);
        var auxiliary = BilinearResize.Resize(ComputePrecision.ToFloat32(aux_head.call(layer3)), input.shape[2], input.shape[3]);
        return (Decode(input, low, high).MoveToOuterDisposeScope(), auxiliary.MoveToOuterDisposeScope());
    }

    private Tensor Decode(Tensor input, Tensor low, Tensor high)
    {
        var branches = aspp.Select(b => b.call(high)).ToList();
        var pooled = aspp_pool.call(nn.functional.adaptive_avg_pool2d(high, 1));
        branches.Add(BilinearResize.Resize(pooled, high.shape[2], high.shape[3]));
        var context = aspp_dropout.call(aspp_project.call(cat(branches, 1)));
        var up = BilinearResize.Resize(context, low.shape[2], low.shape[3]);
        var fused = ((ConvBnRelu)decoder[0]).ForwardConcatenated(up, reduce_low.call(low)); // = decoder[0](cat([up, low'], 1))
        var logits = ComputePrecision.ToFloat32(ComputePrecision.Convolve(classifier, decoder[1].call(fused)));
        return BilinearResize.Resize(logits, input.shape[2], input.shape[3]);
    }
}
