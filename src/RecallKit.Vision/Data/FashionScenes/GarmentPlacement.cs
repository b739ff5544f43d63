namespace RecallKit.Vision.Data.FashionScenes;

/// <summary>One garment pasted into a scene, in paste order (a later garment covers an earlier one).</summary>
/// <param name="Label">Scene label of the garment's class (Fashion-MNIST id + 1).</param>
/// <param name="SourceIndex">Index of the source image in the Fashion-MNIST split the scene draws from.</param>
/// <param name="X">Left edge in the scene.</param>
/// <param name="Y">Top edge in the scene.</param>
/// <param name="Width">Pasted width.</param>
/// <param name="Height">Pasted height.</param>
/// <param name="Patch">The resized garment, <c>Width·Height</c> intensities, row-major; pixels above
/// <see cref="FashionSceneComposer.Threshold"/> are pasted and labelled.</param>
public sealed record GarmentPlacement(byte Label, int SourceIndex, int X, int Y, int Width, int Height, byte[] Patch)
{
    /// <summary>Whether the patch pixel at scene position (<paramref name="x"/>, <paramref name="y"/>) belongs to the garment's mask.</summary>
    public bool Covers(int x, int y) =>
        x >= X && x < X + Width && y >= Y && y < Y + Height && Patch[(y - Y) * Width + (x - X)] > FashionSceneComposer.Threshold;

    /// <summary>The patch intensity at scene position (<paramref name="x"/>, <paramref name="y"/>) (inside the patch).</summary>
    public byte IntensityAt(int x, int y) => Patch[(y - Y) * Width + (x - X)];
}

/// <summary>A composed scene: greyscale image, label map and the placements that made it.</summary>
/// <param name="Width">Scene width.</param>
/// <param name="Height">Scene height.</param>
/// <param name="Pixels">Greyscale intensities, row-major.</param>
/// <param name="Labels">Label per pixel, row-major (<see cref="FashionSceneClasses"/>).</param>
/// <param name="Placements">Garments in paste order.</param>
public sealed record FashionScene(int Width, int Height, byte[] Pixels, byte[] Labels, IReadOnlyList<GarmentPlacement> Placements);

/// <summary>What a scene will contain, drawn before rendering so that source images are dealt out in order.</summary>
/// <param name="RenderSeed">Seed of the scene's background, garment sizes and positions.</param>
/// <param name="Garments">(Fashion-MNIST class, source index) per garment, in paste order.</param>
public sealed record ScenePlan(int RenderSeed, IReadOnlyList<(int Class, int SourceIndex)> Garments);
