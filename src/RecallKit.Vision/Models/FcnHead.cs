using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// mmsegmentation's FCNHead as an auxiliary head (one convolution, <c>concat_input = False</c>): 3×3 convolution to 256
/// channels, batch norm, ReLU, dropout 0.1, 1×1 convolution to the classes. Logits at the resolution of its input features.
/// </summary>
public sealed class FcnHead : nn.Module<Tensor, Tensor>
{
    /// <summary>Channels of the hidden convolution (mmsegmentation's <c>channels=256</c>).</summary>
    public const int Channels = 256;

    private readonly ConvBnRelu conv;
    private readonly Dropout dropout;
    private readonly Conv2d classifier;

    /// <param name="input_channels">Channels of the features the head reads (ResNet layer3: 256 basic, 1024 bottleneck).</param>
    /// <param name="num_classes">Output classes.</param>
    public FcnHead(long input_channels, int num_classes) : base(nameof(FcnHead))
    {
        conv = new ConvBnRelu(input_channels, Channels);
        dropout = nn.Dropout(0.1);
        classifier = nn.Conv2d(Channels, num_classes, 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => ComputePrecision.Convolve(classifier, dropout.call(conv.call(input)));
}
