using System.Globalization;

namespace RecallKit.Vision.Inference;

/// <summary>A width × height in pixels, as given on the command line (<c>512x512</c>).</summary>
/// <param name="Width">Pixels across.</param>
/// <param name="Height">Pixels down.</param>
public readonly record struct WindowSize(int Width, int Height)
{
    /// <summary>
    /// Parses <c>WIDTHxHEIGHT</c> (positive integers, <c>x</c> or <c>×</c> between them); anything else is an
    /// <see cref="ArgumentException"/> naming <paramref name="option"/> and the text.
    /// </summary>
    public static WindowSize Parse(string text, string option)
    {
        var parts = text.Trim().Split('x', 'X', '×');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            && width > 0 && height > 0)
            return new WindowSize(width, height);
        throw new ArgumentException($"{option} '{text}' is not WIDTHxHEIGHT with positive whole numbers of pixels (e.g. 512x512).");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Width}x{Height}";
}
