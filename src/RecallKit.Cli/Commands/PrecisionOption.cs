using System.CommandLine;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Cli.Commands;

/// <summary><c>--precision fp32|bf16|fp16</c> for the inference commands that run a checkpoint with libtorch.</summary>
internal static class PrecisionOption
{
    public static Option<PrecisionKind> Create() => new("--precision")
    {
        Description = "What convolutions and linear layers compute in: fp32 (default), bf16 (CPU or CUDA) or fp16 (CUDA only). "
            + "The checkpoint's float32 weights are cast as they are used; logits, softmax and metrics stay float32.",
        DefaultValueFactory = _ => PrecisionKind.Fp32,
    };

    /// <summary>Computes in <paramref name="precision"/> on this thread until disposed; fp16 off CUDA is an error saying why.</summary>
    public static ComputePrecision.Scope Use(PrecisionKind precision, Device device)
    {
        if (precision == PrecisionKind.Fp16 && device.type != DeviceType.CUDA)
            throw new ArgumentException("--precision fp16 needs --device cuda (libtorch's CPU has no float16 convolution kernels); use --precision bf16 on the CPU.");
        return ComputePrecision.Use(precision.ComputeType());
    }
}
