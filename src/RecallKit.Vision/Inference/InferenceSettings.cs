namespace RecallKit.Vision.Inference;

/// <summary>How segmentation logits are computed at inference: over sliding windows or the whole image, with or without flip.</summary>
/// <param name="Window">Sliding windows, or null for one forward pass over the whole image.</param>
/// <param name="Flip">Also average the logits of the horizontally flipped image.</param>
public sealed record InferenceSettings(SlidingWindow? Window = null, bool Flip = false)
{
    /// <summary>One forward pass over the whole image, no flip.</summary>
    public static InferenceSettings Plain { get; } = new();

    /// <summary>Whether this is anything other than a plain forward pass.</summary>
    public bool IsPlain => Window is null && !Flip;

    /// <summary>A short description for the console, e.g. <c>sliding window 512x512 stride 341x341, flip</c>.</summary>
    public string Describe() => IsPlain ? "whole image"
        : string.Join(", ", new[] { Window is null ? "whole image" : $"sliding window {Window.Window} stride {Window.Stride}", Flip ? "flip" : null }.OfType<string>());
}
