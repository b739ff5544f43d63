using RecallKit.Runtime;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data.Synthetic;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Models;
using RecallKit.Vision;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Interop;

/// <summary>A network exported from RecallKit and run in PyTorch.</summary>
/// <param name="Name">Test case name.</param>
/// <param name="Architecture">Network.</param>
/// <param name="Input">Key of the shared input (<see cref="InteropCases.Inputs"/>).</param>
/// <param name="OutputStride">DeepLabV3+ output stride.</param>
/// <param name="Head">Classification head (an SDN exports only f and h).</param>
/// <param name="Classifier">Classification head kind.</param>
/// <param name="Float32">Also compare float32 outputs (see <see cref="InteropCases"/>), not only float64 ones.</param>
public sealed record ExportCase(string Name, Architecture Architecture, string Input, int OutputStride = 16, HeadKind Head = HeadKind.Linear,
    ClassifierKind Classifier = ClassifierKind.Linear, bool Float32 = true)
{
    public override string ToString() => Name;
}

/// <summary>A network built in PyTorch whose state_dict RecallKit loads through <c>model.init_from</c>.</summary>
public sealed record ReverseCase(string Name, Architecture Architecture, string Input, HeadKind Head = HeadKind.Linear, bool Float32 = true)
{
    public override string ToString() => Name;
}

/// <summary>
/// The architectures covered, their inputs, configs and random states. Every network is compared in float64 (the float32 weights
/// of the file, cast after loading on both sides), which checks the computation itself; networks of up to ~40 layers are also
/// compared in float32. The deep ones are not: with random weights, float32 rounding alone — float32 against float64 inside
/// the same PyTorch — moves their outputs by 1.6e-5 (DeepLabV3+ ResNet-50) to 1.7e-4 (ResNet-152, outputs up to ~20), so
/// a 1e-5 float32 comparison between two libtorch builds would measure rounding, not the model.
/// </summary>
internal static class InteropCases
{
    public const int Classes = 10;

    public static IReadOnlyList<ExportCase> Exported { get; } =
    [
        new("lite_seg", Architecture.LiteSeg, "rgb64x2"),
        new("deeplabv3plus_resnet18", Architecture.DeepLabV3PlusResNet18, "rgb112x1"),
        new("deeplabv3plus_resnet18_os8", Architecture.DeepLabV3PlusResNet18, "rgb64x2", OutputStride: 8),
        new("deeplabv3plus_resnet34", Architecture.DeepLabV3PlusResNet34, "rgb48x1", Float32: false),
        new("deeplabv3plus_resnet50", Architecture.DeepLabV3PlusResNet50, "rgb48x1", Float32: false),
        new("deeplabv3plus_resnet101", Architecture.DeepLabV3PlusResNet101, "rgb48x1", Float32: false),
        new("small_cnn", Architecture.SmallCnn, "grey28x2"),
        new("small_cnn_cosine", Architecture.SmallCnn, "grey28x2", Classifier: ClassifierKind.Cosine),
        new("small_cnn_sdn", Architecture.SmallCnn, "grey28x2", Head: HeadKind.Sdn),
        new("resnet32_cifar", Architecture.ResNet32Cifar, "rgb32x2"),
        new("resnet10", Architecture.ResNet10, "rgb32x2"),
        new("resnet18", Architecture.ResNet18, "rgb32x2"),
        new("resnet50", Architecture.ResNet50, "rgb32x1", Float32: false),
        new("resnet152", Architecture.ResNet152, "rgb32x1", Float32: false),
    ];

    public static IReadOnlyList<ReverseCase> Reverse { get; } =
    [
        new("lite_seg", Architecture.LiteSeg, "rgb64x2"),
        new("deeplabv3plus_resnet18", Architecture.DeepLabV3PlusResNet18, "rgb64x2"),
        new("resnet32_cifar", Architecture.ResNet32Cifar, "rgb32x2"),
        new("resnet10", Architecture.ResNet10, "rgb32x2"),
        new("small_cnn_sdn", Architecture.SmallCnn, "grey28x2", Head: HeadKind.Sdn),
    ];

    /// <summary>
    /// Fixed inputs, named by channels, size and batch. DeepLabV3+ ResNet-18 at output stride 16 sees 112×112, so layer4 is 7×7
    /// and ASPP's rate-6 taps reach real pixels (at 64×64 every ASPP rate sees only its centre tap); the deep networks run one
    /// small image.
    /// </summary>
    public static Dictionary<string, Tensor> Inputs()
    {
        var generator = new Generator(17);
        return new Dictionary<string, Tensor>
        {
            ["rgb64x2"] = randn([2, 3, 64, 64], generator: generator),
            ["rgb112x1"] = randn([1, 3, 112, 112], generator: generator),
            ["rgb48x1"] = randn([1, 3, 48, 48], generator: generator),
            ["rgb32x2"] = randn([2, 3, 32, 32], generator: generator),
            ["rgb32x1"] = randn([1, 3, 32, 32], generator: generator),
            ["grey28x2"] = randn([2, 1, 28, 28], generator: generator),
        };
    }

    /// <summary>A calibration batch for <see cref="Randomise"/>: four images like <paramref name="input"/>, at most 64×64.</summary>
    public static Tensor Calibration(Tensor input) => randn(4, input.shape[1], Math.Min(input.shape[2], 64), Math.Min(input.shape[3], 64));

    public static DatasetKind Dataset(ExportCase c) =>
        c.Architecture.Task() == TaskKind.Segmentation ? DatasetKind.Synthetic : c.Input.StartsWith("grey", StringComparison.Ordinal) ? DatasetKind.FashionMnistLt : DatasetKind.Cifar10Lt;

    public static TrainConfig Config(ExportCase c) => new()
    {
        Data = new DataConfig { Kind = Dataset(c) },
        Model = new ModelConfig { Architecture = c.Architecture, OutputStride = c.OutputStride, Head = c.Head, Classifier = c.Classifier },
    };

    public static DatasetClasses ClassesOf(Architecture architecture) => architecture.Task() == TaskKind.Segmentation
        ? SceneClasses.Description
        : ClassificationDatasets.Describe(Enumerable.Range(0, Classes).Select(i => $"class{i}").ToArray());

    public static nn.Module<Tensor, Tensor> Create(ExportCase c) => c.Architecture.Task() == TaskKind.Segmentation
        ? SegmentationModels.Create(c.Architecture, Classes, c.OutputStride)
        : ClassificationModels.Create(c.Architecture, Classes, ClassificationDatasets.Channels(Dataset(c)), c.Head == HeadKind.Sdn, c.Classifier == ClassifierKind.Cosine);

    /// <summary>
    /// Random batch-norm scales and shifts, random per-class logit scales, and running statistics from one training pass on
    /// <paramref name="calibration"/> (momentum 1), so that eval-mode activations stay of order 1 even 150 layers deep; leaves eval mode.
    /// The statistics are then re-centred — mean a random ±20 % of each channel's root mean square, variance its mean square
    /// × U(0.5, 1.5) — because deep channels of random inputs have a large mean and a tiny variance, and subtracting two nearly
    /// equal numbers would turn float32 rounding into differences of 1e-4. The PyTorch side (PyTorchSideScript) does the same.
    /// </summary>
    public static void Randomise(nn.Module<Tensor, Tensor> model, Tensor calibration)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var norms = model.modules().OfType<BatchNorm2d>().ToList();
        foreach (var bn in norms)
        {
            bn.weight!.uniform_(0.5, 1.5);
            bn.bias!.uniform_(-0.2, 0.2);
            bn.momentum = 1.0;
        }
        if (model is ClassificationNetwork classifier) classifier.Scales.uniform_(0.5, 1.5);
        model.train();
        model.call(calibration);
        model.eval();
        foreach (var bn in norms)
        {
            bn.momentum = 0.1;
            var square = bn.running_var!.add(bn.running_mean!.pow(Scalars.Two), Scalars.One);
            bn.running_mean!.copy_(square.sqrt() * empty_like(square).uniform_(-0.2, 0.2));
            bn.running_var!.copy_(square * empty_like(square).uniform_(0.5, 1.5));
        }
    }

    /// <summary>Outputs of <paramref name="network"/> on <paramref name="input"/> in float32 (when asked) and float64; leaves the network in float64.</summary>
    public static (Tensor? float32, Tensor float64) Outputs(nn.Module<Tensor, Tensor> network, Tensor input, bool float32)
    {
        using var _ = no_grad();
        var single = float32 ? network.call(input).detach().clone() : null;
        network.to(ScalarType.Float64);
        using var wide = input.to(ScalarType.Float64);
        return (single, network.call(wide).detach().clone());
    }

    /// <summary>Asserts max |expected − actual| ≤ 1e-5 · max(1, max |expected|) and returns max |expected − actual|.</summary>
    public static double AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        double scale = Math.Max(1, expected.abs().max().Scalar());
        double difference = (expected - actual.to(expected.dtype)).abs().max().Scalar();
        Assert.True(difference <= 1e-5 * scale, $"{what}: max |Δ| = {difference:E2}, largest |output| {scale:G4} (tolerance 1e-5 · max(1, largest |output|))");
        return difference;
    }
}
