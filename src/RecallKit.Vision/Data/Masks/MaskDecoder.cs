namespace RecallKit.Vision.Data.Masks;

/// <summary>
/// Turns the raw values of a label file into train ids for one dataset: ids as they are (or reduced by one, ADE20K), colours
/// through the classes' colours. A value or colour that is no class and not the ignore value is an error naming the file,
/// the pixel and the value (for a colour, also the nearest class colour).
/// </summary>
public sealed class MaskDecoder
{
    private readonly DatasetClasses classes;
    private readonly MaskOptions options;
    private readonly Dictionary<int, int> idOfColour = [];
    private readonly string? colourProblem;

    /// <param name="classes">Classes, colours and ignore id.</param>
    /// <param name="options">Zero-label reduction and the ignore colour.</param>
    /// <remarks>Two classes (or a class and the ignore colour) with one colour are an error only once a colour-coded label is read.</remarks>
    public MaskDecoder(DatasetClasses classes, MaskOptions options)
    {
        this.classes = classes;
        this.options = options;
        if (!options.HasClassColours)
        {
            colourProblem = "the dataset description gives no colour for some classes, so colour-coded labels cannot be mapped to classes; give every class a \"color\": [r, g, b]";
            return;
        }
        for (int c = 0; c < classes.Count; c++)
        {
            var (r, g, b) = classes.Palette[c];
            if (!idOfColour.TryAdd(Pack(r, g, b), c))
                colourProblem ??= $"classes '{classes.Names[idOfColour[Pack(r, g, b)]]}' and '{classes.Names[c]}' have the same colour ({r},{g},{b}), and colour-coded labels need a colour per class";
        }
        if (options.IgnoreColor is var (ir, ig, ib) && !idOfColour.TryAdd(Pack(ir, ig, ib), classes.IgnoreIndex))
            colourProblem ??= $"ignore_color ({ir},{ig},{ib}) is also the colour of class '{classes.Names[idOfColour[Pack(ir, ig, ib)]]}'";
    }

    /// <summary>Train ids (the ignore id where unlabelled) of <paramref name="mask"/>, read from <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A value or colour that is no class.</exception>
    public int[] Decode(LabelMask mask, string path) => mask.Encoding == MaskEncoding.Rgb ? FromColours(mask, path) : FromIds(mask, path);

    /// <summary>As <see cref="Decode(LabelMask, string)"/>; 8-bit ids and palette indices through a table of their 256 values.</summary>
    internal int[] Decode(LabelSamples samples, string path, SampleBuffers? buffers = null) =>
        samples.Bytes is not null && samples.Encoding != MaskEncoding.Rgb && options.IdLabelsProblem is null
            ? FromByteIds(samples, path, buffers)
            : Decode(samples.ToMask(), path);

    /// <summary>
    /// The ids of 8-bit values by a table of what each value becomes; a value that is no class, or a palette index whose colour
    /// is another class's, sends the label through <see cref="FromIds"/>, whose error names the first such pixel.
    /// </summary>
    private int[] FromByteIds(LabelSamples samples, string path, SampleBuffers? buffers)
    {
        var values = samples.Bytes!;
        Span<int> table = stackalloc int[256];
        Span<bool> refused = stackalloc bool[256];
        int ignore = classes.IgnoreIndex;
        for (int v = 0; v < 256; v++)
        {
            int id = v == ignore ? ignore : options.ReduceZeroLabel ? (v == 0 ? ignore : v - 1) : v;
            refused[v] = (options.ReduceZeroLabel && v != ignore && v != 0 && id == ignore) || (id != ignore && (id < 0 || id >= classes.Count));
            table[v] = id;
        }
        var ids = buffers?.Ids(values.Length) ?? GC.AllocateUninitializedArray<int>(values.Length); // every id is written
        Span<bool> seen = stackalloc bool[256];
        for (int i = 0; i < values.Length; i++)
        {
            byte v = values[i];
            ids[i] = table[v];
            seen[v] = true;
        }
        bool checkPalette = samples.Palette is not null && colourProblem is null;
        for (int v = 0; v < 256; v++)
            if (seen[v] && (refused[v] || (checkPalette && SwapsClasses(samples.Palette!, v))))
                return FromIds(samples.ToMask(), path);
        return ids;
    }

    private int[] FromIds(LabelMask mask, string path)
    {
        if (options.IdLabelsProblem is { } problem)
            throw new InvalidDataException($"label {path} holds class ids ({LabelFiles.Describe(mask.Encoding)}), but {problem}.");
        var ids = new int[mask.Values.Length];
        int ignore = classes.IgnoreIndex;
        var checkedIndices = mask.Palette is null || colourProblem is not null ? null : new HashSet<int>();
        for (int i = 0; i < ids.Length; i++)
        {
            int v = mask.Values[i];
            if (checkedIndices is not null && checkedIndices.Add(v)) CheckPaletteColour(mask, v, i, path);
            int id = v == ignore ? ignore : options.ReduceZeroLabel ? (v == 0 ? ignore : v - 1) : v;
            if (options.ReduceZeroLabel && v != ignore && v != 0 && id == ignore)
                throw new InvalidDataException(
                    $"label {path} has value {v} at pixel ({i % mask.Width},{i / mask.Width}): with reduce_zero_label it would become the ignore id {ignore}; expected 1–{classes.Count}, 0 or {ignore}.");
            if (id != ignore && (id < 0 || id >= classes.Count))
                throw new InvalidDataException(
                    $"label {path} has value {v} at pixel ({i % mask.Width},{i / mask.Width}); expected " +
                    (options.ReduceZeroLabel
                        ? $"1–{classes.Count} (classes, reduce_zero_label: value v is class v − 1), 0 or {ignore} (ignored)."
                        : $"0–{classes.Count - 1} or the ignore id {ignore}."));
            ids[i] = id;
        }
        return ids;
    }

    /// <summary>
    /// A palette whose colours are the classes' colours at other indices (e.g. a colour-coded label quantised to a palette, whose
    /// indices follow the order colours were met) would be read with classes swapped: an error. A palette whose colours are not
    /// the classes' at all (VOC-style display palettes, PIL's defaults) is read by index.
    /// </summary>
    private void CheckPaletteColour(LabelMask mask, int index, int pixel, string path)
    {
        if (!SwapsClasses(mask.Palette!, index)) return;
        int byColour = idOfColour[mask.Palette![index]];
        int byIndex = index == classes.IgnoreIndex ? classes.IgnoreIndex : options.ReduceZeroLabel ? index - 1 : index;
        int colour = mask.Palette[index];
        string Name(int id) => id == classes.IgnoreIndex || id < 0 || id >= classes.Count ? $"the ignore id {classes.IgnoreIndex}" : $"class {id} '{classes.Names[id]}'";
        throw new InvalidDataException(
            $"label {path} is a palette PNG whose index {index} (first at pixel ({pixel % mask.Width},{pixel / mask.Width})) has the colour ({colour >> 16},{(colour >> 8) & 255},{colour & 255}) of {Name(byColour)}, " +
            $"but palette indices are read as class ids ({Name(byIndex)}): its classes would be swapped. Save the label with indices equal to class ids, or as RGB (read through the colours).");
    }

    /// <summary>Whether palette <paramref name="index"/> has the colour of a class other than the one the index is read as.</summary>
    private bool SwapsClasses(int[] palette, int index)
    {
        if (index >= palette.Length || !idOfColour.TryGetValue(palette[index], out var byColour)) return false;
        int byIndex = index == classes.IgnoreIndex ? classes.IgnoreIndex : options.ReduceZeroLabel ? index - 1 : index;
        return byColour != byIndex && !(options.ReduceZeroLabel && index == 0);
    }

    private int[] FromColours(LabelMask mask, string path)
    {
        if (colourProblem is not null) throw new InvalidDataException($"label {path} is colour-coded (RGB), but {colourProblem}.");
        var ids = new int[mask.Values.Length];
        int lastColour = -1, lastId = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            int colour = mask.Values[i];
            if (colour != lastColour)
            {
                if (!idOfColour.TryGetValue(colour, out lastId))
                    throw new InvalidDataException(
                        $"label {path} has colour ({colour >> 16},{(colour >> 8) & 255},{colour & 255}) at pixel ({i % mask.Width},{i / mask.Width}), which is no class colour" +
                        $"{(options.IgnoreColor is null ? "" : " and not the ignore_color")}; nearest class colour: {Nearest(colour)}. " +
                        "Add the colour to a class, or declare it as the colour of unlabelled pixels (\"ignore_color\" in dataset.json; a class named void in class_dict.csv).");
                lastColour = colour;
            }
            ids[i] = lastId;
        }
        return ids;
    }

    private string Nearest(int colour)
    {
        int best = 0;
        long bestDistance = long.MaxValue;
        for (int c = 0; c < classes.Count; c++)
        {
            var (r, g, b) = classes.Palette[c];
            long dr = r - (colour >> 16), dg = g - ((colour >> 8) & 255), db = b - (colour & 255);
            long distance = dr * dr + dg * dg + db * db;
            if (distance < bestDistance) (best, bestDistance) = (c, distance);
        }
        var (br, bg, bb) = classes.Palette[best];
        return $"'{classes.Names[best]}' ({br},{bg},{bb})";
    }

    private static int Pack(byte r, byte g, byte b) => (r << 16) | (g << 8) | b;
}
