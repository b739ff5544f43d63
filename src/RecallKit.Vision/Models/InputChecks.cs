using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>Host-side checks before a network runs, so bad input is an <see cref="ArgumentException"/>, not a native abort.</summary>
internal static class InputChecks
{
    public static void RequireImageBatch(Tensor input, string model)
    {
        if (input.dim() != 4 || input.shape[1] != 3)
            throw new ArgumentException($"{model}: input must be an RGB batch [N,3,H,W], got shape [{string.Join(",", input.shape)}].", nameof(input));
        if (!input.is_floating_point())
            throw new ArgumentException($"{model}: input must be floating point, got {input.dtype}.", nameof(input));
        if (input.shape[2] < 8 || input.shape[3] < 8)
            throw new ArgumentException($"{model}: input must be at least 8×8 pixels, got {input.shape[2]}×{input.shape[3]}.", nameof(input));
    }
}
