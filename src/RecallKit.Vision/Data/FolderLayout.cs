namespace RecallKit.Vision.Data;

/// <summary>
/// Where the folder layout finds its files (mmsegmentation's custom-dataset options): images under
/// <c>root/&lt;ImageDir&gt;/&lt;split&gt;</c> ending in <see cref="ImageSuffix"/>, each paired with
/// <c>root/&lt;LabelDir&gt;/&lt;split&gt;/&lt;same relative path, image suffix replaced by LabelSuffix&gt;</c>. A split that is
/// a <c>.txt</c> file lists the images instead (one path per line, relative to <c>root/&lt;ImageDir&gt;</c>, without suffix).
/// </summary>
/// <param name="ImageDir">Image directory under the root.</param>
/// <param name="LabelDir">Label directory under the root.</param>
/// <param name="ImageSuffix">End of image file names (e.g. <c>_leftImg8bit.png</c>); empty: <c>.png</c>, <c>.jpg</c> or <c>.jpeg</c>.</param>
/// <param name="LabelSuffix">End of label file names (e.g. <c>_gtFine_labelTrainIds.png</c>).</param>
public sealed record FolderLayout(string ImageDir = "images", string LabelDir = "labels", string ImageSuffix = "", string LabelSuffix = ".png")
{
    /// <summary>The layout of <c>dataset.json</c>, <c>images/</c>, <c>labels/</c>.</summary>
    public static FolderLayout Default { get; } = new();

    /// <summary>The image suffixes looked for.</summary>
    public IReadOnlyList<string> ImageSuffixes => ImageSuffix.Length > 0 ? [ImageSuffix] : [".png", ".jpg", ".jpeg"];
}
