namespace RecallKit.Vision.Data.Masks;

/// <summary>How a dataset's label values become train ids, besides its classes.</summary>
/// <param name="ReduceZeroLabel">ADE20K's convention for id masks: value 0 is ignored and every other value v is class v − 1.</param>
/// <param name="IgnoreColor">RGB masks: the colour of unlabelled pixels (they get the ignore id).</param>
/// <param name="HasClassColours">Whether every class has a colour of its own in the description (RGB masks need it).</param>
/// <param name="IdLabelsProblem">Why labels holding ids (greyscale, palette) cannot be read with this description, or null.</param>
public sealed record MaskOptions(bool ReduceZeroLabel = false, (byte R, byte G, byte B)? IgnoreColor = null, bool HasClassColours = true,
    string? IdLabelsProblem = null);
