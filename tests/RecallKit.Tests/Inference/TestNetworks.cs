using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Inference;

/// <summary>Each pixel's logits are the mean of its input window: not position-equivariant, so window averaging shows.</summary>
internal sealed class WindowMean() : nn.Module<Tensor, Tensor>(nameof(WindowMean))
{
    public override Tensor forward(Tensor input) => input.mean([2, 3], keepdim: true).expand_as(input).contiguous();
}

/// <summary>A single convolution with the given [1, 1, kh, kw] kernel, no bias, zero padding to keep the size.</summary>
internal sealed class FixedConvolution : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d conv;

    public FixedConvolution(float[,] kernel) : base(nameof(FixedConvolution))
    {
        int kh = kernel.GetLength(0), kw = kernel.GetLength(1);
        conv = nn.Conv2d(1, 1, (kh, kw), padding: (kh / 2, kw / 2), bias: false);
        using (no_grad()) conv.weight!.copy_(tensor(kernel).reshape(1, 1, kh, kw));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => conv.call(input);
}
