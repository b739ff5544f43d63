using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Runtime;

/// <summary>
/// TorchSharp <see cref="Scalar"/>s that stay reachable for the life of the process, for constants used on every call.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 passes a Scalar's native handle to libtorch without keeping the managed object alive, and frees the
/// native value in the finalizer. A temporary Scalar — <c>t.masked_fill(mask, 0)</c>, <c>t * 2</c>, <c>a + b</c>'s
/// alpha — can therefore be freed by a garbage collection while libtorch reads it. Rule RK0001
/// (analyzers/RecallKit.Analyzers, docs/architecture.md) rejects such code: constants come from static fields like these
/// (a static field keeps its Scalar alive), per-call values from <c>using var s = value.ToScalar();</c>.
/// Each field keeps the .NET type the implicit conversion had (an integer Scalar keeps integer tensors integer). Never
/// dispose them.
/// </remarks>
internal static class Scalars
{
    /// <summary>Integer 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Integer 1; also the alpha that <c>add(x)</c> and tensor <c>+</c> pass.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>Integer 2; <c>square()</c> is <c>pow(2)</c>.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>Boolean true.</summary>
    public static readonly Scalar True = true.ToScalar();

    /// <summary>
    /// <c>1 - x</c> computed as TorchSharp's operator computes it (<c>x.negative().add(1)</c>, alpha 1), with held Scalars.
    /// </summary>
    public static Tensor OneMinus(Tensor x)
    {
        using var negative = x.negative();
        return negative.add(One, One);
    }
}
