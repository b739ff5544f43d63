using static TorchSharp.torch;

namespace RecallKit.Vision.Inference;

/// <summary>
/// A segmentation network wrapped so that its forward pass applies <see cref="InferenceSettings"/>: evaluation and prediction
/// call it like the network itself. The network is a registered child, so eval()/train() reach it.
/// </summary>
public sealed class TestTimeSegmentation : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> network;
    private readonly InferenceSettings settings;

    /// <param name="network">A network mapping [N, 3, H, W] images to [N, C, H, W] logits.</param>
    /// <param name="settings">Windows and flip.</param>
    public TestTimeSegmentation(nn.Module<Tensor, Tensor> network, InferenceSettings settings) : base(nameof(TestTimeSegmentation))
    {
        this.network = network;
        this.settings = settings;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Func<Tensor, Tensor> single = settings.Window is { } window ? x => window.Logits(network.call, x) : network.call;
        var logits = settings.Flip ? FlipAugmentation.Logits(single, input) : single(input);
        return logits.MoveToOuterDisposeScope();
    }
}
