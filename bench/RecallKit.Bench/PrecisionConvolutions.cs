using System.Diagnostics;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary>
/// One 3×3 convolution, forward and backward (input and weight gradients), in float32 and in bfloat16 (input and weight cast
/// as the models do), in the memory order the models use (<see cref="ConvolutionLayout"/>: channels-last for k×k kernels),
/// interleaved; the ratio bf16 / fp32 of medians. Run once per oneDNN ISA limit by <see cref="PrecisionBenchmark"/>.
/// </summary>
internal static class PrecisionConvolutions
{
    private sealed record Shape(long Batch, long In, long Out, long Height, long Width, long Stride = 1, long Dilation = 1, long Kernel = 3)
    {
        public override string ToString() =>
            $"{Kernel}×{Kernel} {In}→{Out} at [{Batch},·,{Height},{Width}]{(Stride > 1 ? $", stride {Stride}" : "")}{(Dilation > 1 ? $", dilation {Dilation}" : "")}";
    }

    private static readonly Shape[] Shapes =
    [
        new(4, 64, 64, 64, 128),                // DeepLabV3+ R18 layer1 at 256×512, batch 4
        new(4, 256, 256, 16, 32),               // layer3 at output stride 16
        new(4, 512, 512, 16, 32, Dilation: 2),  // layer4 (dilated)
        new(4, 256, 256, 64, 128),              // the decoder
        new(8, 32, 32, 48, 96),                 // LiteSeg stage 2 at 96×192, batch 8
        new(8, 3, 16, 96, 192, Stride: 2),      // LiteSeg's stem (its input gradient is never needed)
        new(8, 16, 19, 48, 96, Kernel: 1),      // a classifier: one output channel per class
        new(8, 32, 19, 48, 96),
        new(8, 8, 16, 48, 96),
        new(8, 16, 24, 48, 96, Kernel: 1),
    ];

    /// <summary>Multiply-adds beyond which a shape is left out with the AVX2 limit (its bf16 convolution takes minutes there).</summary>
    private const double MaxAvx2MultiplyAdds = 2e9;

    private static double MultiplyAdds(Shape s) => (double)s.Batch * s.In * s.Out * s.Height * s.Width * s.Kernel * s.Kernel / (s.Stride * s.Stride);

    private static readonly Scalar WeightScale = 0.05;

    public static void Run(int repeats, string isa)
    {
        Console.WriteLine();
        Console.WriteLine($"## Convolution forward+backward, bf16 / fp32 (oneDNN ISA limit: {isa}; median of {repeats} interleaved runs)");
        Console.WriteLine();
        Console.WriteLine("| convolution | ms fp32 | ms bf16 | bf16 / fp32 | bf16 error: output | input gradient | weight gradient |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in Shapes.Where(s => isa != "AVX2" || MultiplyAdds(s) <= MaxAvx2MultiplyAdds))
        {
            var fp32 = new List<double>();
            var bf16 = new List<double>();
            for (int r = 0; r < repeats + 1; r++)
            {
                double a = Time(shape, ScalarType.Float32), b = Time(shape, ScalarType.BFloat16);
                if (r == 0) continue; // warm-up: oneDNN builds its kernels on the first call of each shape
                fp32.Add(a);
                bf16.Add(b);
            }
            double f = TrainerSteps.Median(fp32), h = TrainerSteps.Median(bf16);
            var (output, input, weight) = Errors(shape);
            Console.WriteLine($"| {shape} | {f:F1} | {h:F1} | {h / f:F2} | {output:G2} | {input:G2} | {weight:G2} |");
        }
    }

    /// <summary>
    /// Relative L2 errors of the bf16 convolution's output and gradients against float32 arithmetic on the same bf16-rounded
    /// input, weight and output gradient: what is left is the kernel's own rounding (about 2⁻⁹ per output), unless it is wrong.
    /// </summary>
    private static (double Output, double Input, double Weight) Errors(Shape s)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var x = randn([s.Batch, s.In, s.Height, s.Width], generator: generator).to_type(ScalarType.BFloat16);
        var w = randn([s.Out, s.In, s.Kernel, s.Kernel], generator: generator).mul(WeightScale).to_type(ScalarType.BFloat16);
        (Tensor y, Tensor dx, Tensor dw) Run(ScalarType dtype)
        {
            var input = x.to_type(dtype).requires_grad_();
            var weight = w.to_type(dtype).requires_grad_();
            var output = Convolve(s, input, weight);
            var probe = randn(output.shape, generator: new Generator(6)).to_type(ScalarType.BFloat16).to_type(dtype);
            output.backward([probe]);
            return (output.to_type(ScalarType.Float32), input.grad!.to_type(ScalarType.Float32), weight.grad!.to_type(ScalarType.Float32));
        }
        var (y32, dx32, dw32) = Run(ScalarType.Float32);
        var (y16, dx16, dw16) = Run(ScalarType.BFloat16);
        static double Relative(Tensor a, Tensor b) => (b - a).norm().item<float>() / a.norm().item<float>();
        return (Relative(y32, y16), Relative(dx32, dx16), Relative(dw32, dw16));
    }

    /// <summary>The shape's convolution (same-size padding) in the order the models run it.</summary>
    private static Tensor Convolve(Shape s, Tensor input, Tensor weight)
    {
        long padding = s.Dilation * (s.Kernel - 1) / 2;
        return nn.functional.conv2d(ConvolutionLayout.Of(input, weight), weight, null, [s.Stride, s.Stride], [padding, padding], [s.Dilation, s.Dilation]);
    }

    private static double Time(Shape s, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var input = randn([s.Batch, s.In, s.Height, s.Width], generator: generator).requires_grad_();
        var weight = randn([s.Out, s.In, s.Kernel, s.Kernel], generator: generator).mul(WeightScale).requires_grad_();
        var start = Stopwatch.GetTimestamp();
        var output = Convolve(s, input.to_type(dtype), weight.to_type(dtype));
        output.backward([ones_like(output)]);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
