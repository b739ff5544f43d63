using static TorchSharp.torch;

namespace RecallKit.Vision.Configuration;

/// <summary>The dtype a <see cref="PrecisionKind"/> computes convolutions and linear layers in.</summary>
public static class Precisions
{
    /// <summary>BFloat16 or Float16 for mixed precision; null for fp32 (the parameters' own dtype).</summary>
    public static ScalarType? ComputeType(this PrecisionKind precision) => precision switch
    {
        PrecisionKind.Bf16 => ScalarType.BFloat16,
        PrecisionKind.Fp16 => ScalarType.Float16,
        _ => null,
    };
}
