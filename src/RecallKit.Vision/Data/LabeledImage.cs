namespace RecallKit.Vision.Data;

/// <summary>
/// A decoded image with its per-pixel labels, in managed memory (no tensors, so it can be produced on any thread).
/// </summary>
/// <param name="Id">A name for messages and outputs (usually the image file's path relative to the dataset root).</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Rgb">Interleaved 8-bit RGB, row-major, length <c>Width·Height·3</c>.</param>
/// <param name="Labels">Train ids per pixel, row-major, length <c>Width·Height</c>; the dataset's ignore id where unlabeled.</param>
public sealed record LabeledImage(string Id, int Width, int Height, byte[] Rgb, int[] Labels)
{
    /// <summary>Throws when the buffers do not match the size (a corrupt or mismatched pair).</summary>
    public void Validate()
    {
        if (Rgb.Length != Width * Height * 3)
            throw new InvalidDataException($"{Id}: RGB buffer has {Rgb.Length} bytes, expected {Width}×{Height}×3.");
        if (Labels.Length != Width * Height)
            throw new InvalidDataException($"{Id}: label buffer has {Labels.Length} entries, expected {Width}×{Height}.");
    }
}
