using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// Where <c>data.kind = folder</c> finds images and labels, as mmsegmentation's custom dataset: <c>root/&lt;img_dir&gt;/&lt;split&gt;</c>
/// and <c>root/&lt;ann_dir&gt;/&lt;split&gt;</c>, file names ending in <c>img_suffix</c> and <c>seg_map_suffix</c>.
/// </summary>
public sealed record FolderLayoutOptions : DataOptions
{
    /// <summary>Image directory under the root (holding a folder per split).</summary>
    [JsonPropertyOrder(23)]
    public string ImgDir { get; init; } = FolderLayout.Default.ImageDir;

    /// <summary>Label directory under the root (holding a folder per split).</summary>
    [JsonPropertyOrder(24)]
    public string AnnDir { get; init; } = FolderLayout.Default.LabelDir;

    /// <summary>End of image file names; empty: .png, .jpg or .jpeg.</summary>
    [JsonPropertyOrder(25)]
    public string ImgSuffix { get; init; } = FolderLayout.Default.ImageSuffix;

    /// <summary>End of label file names, replacing the image suffix.</summary>
    [JsonPropertyOrder(26)]
    public string SegMapSuffix { get; init; } = FolderLayout.Default.LabelSuffix;

    /// <summary>The data layer's description of these options.</summary>
    public FolderLayout ToLayout() => new(ImgDir, AnnDir, ImgSuffix, SegMapSuffix);

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind == DatasetKind.Folder;
}
