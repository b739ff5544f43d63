using RecallKit.Vision.Data.Masks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;

namespace RecallKit.Vision.Data.Layouts;

/// <summary>
/// Writes a folder-layout dataset as a Pascal VOC tree — JPEG images, palette labels whose indices are the class ids (255,
/// unlabelled, stays 255 with VOC's boundary colour), split lists and a CVAT-style labelmap.txt — so the VOC path can be
/// tried end to end without a download (<c>recallkit data synth --layout voc</c>).
/// </summary>
public static class VocExport
{
    /// <summary>Converts the <paramref name="splits"/> of the folder dataset at <paramref name="folderRoot"/> into <paramref name="vocRoot"/>.</summary>
    public static void Write(string folderRoot, string vocRoot, IReadOnlyList<string> splits)
    {
        var classes = FolderDataset.ReadDescription(folderRoot);
        var palette = Enumerable.Range(0, 256).Select(i => i < classes.Count ? classes.Palette[i] : i == 255 ? ((byte)224, (byte)224, (byte)192) : ((byte)0, (byte)0, (byte)0)).ToArray();
        foreach (var d in new[] { "JPEGImages", "SegmentationClass", Path.Combine("ImageSets", "Segmentation") })
            Directory.CreateDirectory(Path.Combine(vocRoot, d));
        foreach (var split in splits)
        {
            var dataset = new FolderDataset(folderRoot, split);
            var ids = new List<string>();
            for (int i = 0; i < dataset.Count; i++)
            {
                var sample = dataset.Load(i);
                var id = $"{split}_{Path.GetFileNameWithoutExtension(sample.Id)}";
                using (var image = Image.LoadPixelData<SixLabors.ImageSharp.PixelFormats.Rgb24>(sample.Rgb, sample.Width, sample.Height))
                    image.SaveAsJpeg(Path.Combine(vocRoot, "JPEGImages", id + ".jpg"), new JpegEncoder { Quality = 95 });
                PalettePng.Write(Path.Combine(vocRoot, "SegmentationClass", id + ".png"), Array.ConvertAll(sample.Labels, l => (byte)l), sample.Width, sample.Height, palette);
                ids.Add(id);
            }
            File.WriteAllLines(Path.Combine(vocRoot, "ImageSets", "Segmentation", split + ".txt"), ids);
        }
        File.WriteAllLines(Path.Combine(vocRoot, "labelmap.txt"),
            ["# label:color_rgb:parts:actions", .. classes.Names.Select((n, c) => $"{n}:{classes.Palette[c].R},{classes.Palette[c].G},{classes.Palette[c].B}::")]);
    }
}
