using RecallKit.Tests.Support;
using RecallKit.Vision.Models;
using RecallKit.Vision.Models.Classification;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

/// <summary>
/// A bfloat16 step (<see cref="ComputePrecision"/>) gives the float32 step's gradients within bfloat16's rounding: the relative
/// L2 error of all parameter gradients together, on the same weights, batch and labels (dropout off, batch norm in training mode).
/// </summary>
[Collection(nameof(GlobalTorchState))]
public sealed class MixedPrecisionGradientTests(ITestOutputHelper output)
{
    /// <summary>
    /// With batch norm on its running statistics the step is a fixed function of the weights, and what differs is bfloat16's
    /// rounding (8 significant bits, ≈ 0.2 % per rounding) summed over the depth. Bounds: about 3× the largest error measured
    /// over seeds 1–5 with the AVX2 and the AVX-512 kernels (LiteSeg 0.012, small CNN 0.024, ResNet-18 0.072, DeepLabV3+ 0.052).
    /// </summary>
    [Theory]
    [InlineData("lite_seg", 5, 0.04)]
    [InlineData("lite_seg", 19, 0.04)] // 19 output channels: libtorch's AVX-512 bf16 input gradient is wrong, the classifier stays float32
    [InlineData("deeplabv3plus_resnet18", 5, 0.15)]
    [InlineData("resnet18", 5, 0.2)]
    [InlineData("small_cnn", 5, 0.07)]
    public void ABfloat16StepsGradientsAreCloseToFloat32s(string architecture, int classes, double bound)
    {
        for (int seed = 1; seed <= 2; seed++)
        {
            var (loss32, loss16, error) = Compare(architecture, seed, batchStatistics: false, classes);
            output.WriteLine($"{architecture} seed {seed}: loss {loss32:F5} vs {loss16:F5}, gradient relative L2 error {error:F4}");
            Assert.InRange(error, 0, bound);
            Assert.InRange(Math.Abs(loss16 - loss32) / loss32, 0, 0.005);
        }
    }

    /// <summary>
    /// In training mode batch norm subtracts the batch mean of the gradient, which at initialisation (random labels) cancels most
    /// of it, so what is left is relatively noisier: 17–26 % relative error on LiteSeg, 7–10 % on the small CNN, 49–63 % on
    /// DeepLabV3+ over seeds 1–5 (PyTorch 1.13's <c>torch.autocast</c> gives 14 % on a LiteSeg-like stack). The loss itself
    /// agrees within 0.2 %; the bound on the gradients is about twice the largest error measured (a wrong kernel gives NaN or
    /// errors above 100 %).
    /// </summary>
    [Theory]
    [InlineData("lite_seg", 0.5)]
    [InlineData("deeplabv3plus_resnet18", 1.0)]
    [InlineData("small_cnn", 0.2)]
    public void WithBatchStatisticsTheLossAgreesAndTheGradientsPointTheSameWay(string architecture, double bound)
    {
        var (loss32, loss16, error) = Compare(architecture, 1, batchStatistics: true);
        output.WriteLine($"{architecture}: loss {loss32:F5} vs {loss16:F5}, gradient relative L2 error {error:F4}");
        Assert.InRange(error, 0, bound);
        Assert.InRange(Math.Abs(loss16 - loss32) / loss32, 0, 0.005);
    }

    /// <summary>
    /// A block's input gradient in bfloat16 is float32's within its rounding of input, weight and gradient (3.8 % at 32 → 32),
    /// for input channel counts that are not multiples of oneDNN's block too (8, 12: wrong in float32 channels-first order, see
    /// ConvolutionMemoryTests). An odd output count (19, 5) computes in float32 (ComputePrecision.Computes: libtorch's AVX-512 bf16
    /// kernels return wrong input gradients there), so its error is 0.
    /// </summary>
    [Theory]
    [InlineData(32, 19)]
    [InlineData(16, 5)]
    [InlineData(8, 16)]
    [InlineData(12, 4)]
    [InlineData(32, 32)]
    public void ABlocksInputGradientInBfloat16IsFloat32sWithinRounding(long inputChannels, long outputChannels)
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        using var block = new ConvBnRelu(inputChannels, outputChannels);
        block.eval();
        var images = randn([4, inputChannels, 24, 48], generator: Seeded.Generator(9));
        var probe = randn([4, outputChannels, 24, 48], generator: Seeded.Generator(10));
        Tensor InputGradient(ScalarType? dtype)
        {
            var x = images.detach().requires_grad_();
            using (ComputePrecision.Use(dtype)) block.call(x).to_type(ScalarType.Float32).mul(probe).sum().backward();
            return x.grad!;
        }
        var exact = InputGradient(null);
        var rounded = InputGradient(ScalarType.BFloat16);
        double error = (rounded - exact).norm().item<float>() / exact.norm().item<float>();
        output.WriteLine($"{inputChannels} → {outputChannels}: input gradient relative L2 error {error:F4}");
        if (outputChannels % 2 == 1) Assert.Equal(0, error);
        else Assert.InRange(error, 0.001, 0.1); // above 0: it did compute in bfloat16
    }

    [Fact]
    public void AnOddOutputCountComputesInFloat32UnlessNoInputGradientIsNeeded()
    {
        using var scope = NewDisposeScope();
        var needsGradient = zeros(1).requires_grad_();
        var image = zeros(1);
        Assert.False(ComputePrecision.Computes(19, needsGradient));
        Assert.False(ComputePrecision.Computes(1, needsGradient));
        Assert.True(ComputePrecision.Computes(4, needsGradient));
        Assert.True(ComputePrecision.Computes(18, needsGradient));
        Assert.True(ComputePrecision.Computes(19, image));
    }

    [Fact]
    public void TheParametersAndTheirGradientsStayFloat32AndTheLogitsAreFloat32()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var network = SegmentationModels.Create(Architecture.LiteSeg, 3);
        network.train();
        var images = randn([2, 3, 32, 32], generator: Seeded.Generator(4));
        Tensor logits;
        using (ComputePrecision.Use(ScalarType.BFloat16)) logits = network.call(images);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        logits.sum().backward();
        Assert.All(network.parameters(), p =>
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.Equal(ScalarType.Float32, p.grad!.dtype);
        });
        Assert.All(network.buffers(), b => Assert.NotEqual(ScalarType.BFloat16, b.dtype));
        Assert.Null(ComputePrecision.Current); // the scope restored float32
    }

    [Fact]
    public void AScopeRestoresThePreviousPrecisionAndRefusesOtherDtypes()
    {
        using (ComputePrecision.Use(ScalarType.BFloat16))
        {
            using (ComputePrecision.Use(null)) Assert.Null(ComputePrecision.Current);
            Assert.Equal(ScalarType.BFloat16, ComputePrecision.Current);
        }
        Assert.Null(ComputePrecision.Current);
        Assert.Contains("bfloat16 or float16", Assert.Throws<ArgumentException>(() => ComputePrecision.Use(ScalarType.Float64)).Message);
    }

    private static (double Loss32, double Loss16, double Error) Compare(string architecture, int seed, bool batchStatistics, int classes = 5)
    {
        using var scope = NewDisposeScope();
        manual_seed(seed);
        bool classifier = architecture is "resnet18" or "small_cnn";
        int channels = architecture == "small_cnn" ? 1 : 3, size = architecture == "small_cnn" ? 28 : 32;
        nn.Module<Tensor, Tensor> network = architecture switch
        {
            "lite_seg" => SegmentationModels.Create(Architecture.LiteSeg, classes),
            "deeplabv3plus_resnet18" => SegmentationModels.Create(Architecture.DeepLabV3PlusResNet18, classes),
            "resnet18" => ClassificationModels.Create(Architecture.ResNet18, classes, channels, decoupled: false),
            _ => ClassificationModels.Create(Architecture.SmallCnn, classes, channels, decoupled: false),
        };
        using var _ = network;
        network.train(batchStatistics);
        foreach (var module in network.modules().OfType<Dropout>()) module.eval(); // the same function in both precisions
        var generator = Seeded.Generator((ulong)seed + 100);
        var images = randn([4, channels, size, size], generator: generator);
        var labels = classifier ? randint(classes, [4], generator: generator) : randint(classes, [4, size, size], generator: generator);
        var parameters = network.parameters().Where(p => p.requires_grad).ToArray();

        double Step(ScalarType? dtype, out Tensor gradients)
        {
            foreach (var p in parameters) p.grad?.zero_();
            using var precision = ComputePrecision.Use(dtype);
            var loss = nn.functional.cross_entropy(network.call(images), labels);
            loss.backward();
            gradients = cat(parameters.Select(p => p.grad!.flatten()).ToArray());
            return loss.item<float>();
        }

        double loss32 = Step(null, out var g32), loss16 = Step(ScalarType.BFloat16, out var g16);
        double error = (g16 - g32).norm().item<float>() / g32.norm().item<float>();
        return (loss32, loss16, error);
    }
}
