using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Layouts;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Tasks;

namespace RecallKit.Tests.Data;

/// <summary>
/// The layouts users bring, as tiny real trees written by PIL: Pascal VOC (palette labels, VOC's classes or a CVAT labelmap,
/// SBD-style list pairs), ADE20K (reduce_zero_label), CamVid (RGB labels, class_dict.csv with void) and the folder layout with
/// mmsegmentation's img_dir / ann_dir / suffixes / split list. Each reads the ground truth pixel for pixel, with exact class counts.
/// </summary>
public sealed class DatasetLayoutTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-layouts-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const int Width = 6, Height = 4;

    /// <summary>Class (x + 2y + k) mod 4 of image k; 3 is unlabelled.</summary>
    private static int Truth(int k, int x, int y) => (x + 2 * y + k) % 4 is 3 ? 255 : (x + 2 * y + k) % 4;

    private const string Script = """
        import os, sys
        from PIL import Image
        root = sys.argv[1]
        W, H = 6, 4
        def truth(k, x, y):
            v = (x + 2 * y + k) % 4
            return 255 if v == 3 else v
        def label(k, mode, f):
            im = Image.new(mode, (W, H))
            im.putdata([f(truth(k, x, y)) for y in range(H) for x in range(W)])
            return im
        def photo(k):
            return Image.new("RGB", (W, H), (30 * k, 80, 160))
        def mk(*parts):
            os.makedirs(os.path.join(root, *parts), exist_ok=True)
            return os.path.join(root, *parts)
        def voc_palette():
            p = []
            for i in range(256):
                r = g = b = 0; c = i
                for bit in range(7, -1, -1):
                    r |= (c & 1) << bit; g |= ((c >> 1) & 1) << bit; b |= ((c >> 2) & 1) << bit; c >>= 3
                p += [r, g, b]
            return p
        # Pascal VOC with VOC's classes: palette labels (255 = boundary), list files; and a CVAT export with a labelmap
        for name, labelmap in (("voc", None), ("cvat", "# label:color_rgb:parts:actions\nbackground:0,0,0::\nlane:250,50,83::\nsign:51,221,255::\n")):
            for k in range(4):
                photo(k).save(f"{mk(name, 'JPEGImages')}/2007_{k:06d}.jpg")
                im = label(k, "P", lambda v: v); im.putpalette(voc_palette()); im.save(f"{mk(name, 'SegmentationClass')}/2007_{k:06d}.png")
            with open(f"{mk(name, 'ImageSets', 'Segmentation')}/train.txt", "w") as f: f.write("2007_000000\n2007_000001\n2007_000002\n")
            with open(f"{mk(name, 'ImageSets', 'Segmentation')}/val.txt", "w") as f: f.write("2007_000003\n")
            with open(f"{mk(name, 'ImageSets', 'Segmentation')}/train_aug.txt", "w") as f:
                f.write("".join(f"/JPEGImages/2007_{k:06d}.jpg /SegmentationClass/2007_{k:06d}.png\n" for k in range(3)))
            if labelmap:
                with open(f"{root}/{name}/labelmap.txt", "w") as f: f.write(labelmap)
        # ADE20K: 0 = other, class c = value c + 1
        for split, ks in (("training", range(3)), ("validation", [3])):
            for k in ks:
                photo(k).save(f"{mk('ade', 'images', split)}/ADE_{k:08d}.jpg")
                label(k, "L", lambda v: 0 if v == 255 else v + 1).save(f"{mk('ade', 'annotations', split)}/ADE_{k:08d}.png")
        # CamVid: RGB labels named <stem>_L.png, class_dict.csv with Void
        colours = [(128, 128, 128), (128, 0, 0), (128, 64, 128)]
        for split, ks in (("train", range(3)), ("val", [3])):
            for k in ks:
                photo(k).save(f"{mk('camvid', split)}/0001TP_{k:06d}.png")
                label(k, "RGB", lambda v: (0, 0, 0) if v == 255 else colours[v]).save(f"{mk('camvid', split + '_labels')}/0001TP_{k:06d}_L.png")
        with open(f"{root}/camvid/class_dict.csv", "w") as f:
            f.write("name,r,g,b\nSky,128,128,128\nBuilding,128,0,0\nRoad,128,64,128\nVoid,0,0,0\n")
        # mmsegmentation custom layout: img_dir / ann_dir, suffixes, a split list
        for k in range(4):
            split = "train" if k < 3 else "val"
            photo(k).save(f"{mk('mmseg', 'img_dir', split)}/frame{k}_leftImg8bit.jpg")
            label(k, "L", lambda v: v).save(f"{mk('mmseg', 'ann_dir', split)}/frame{k}_gtFine_labelTrainIds.png")
        with open(f"{mk('mmseg', 'splits')}/train.txt", "w") as f: f.write("train/frame0\ntrain/frame2\n")
        with open(f"{root}/mmseg/dataset.json", "w") as f: f.write('{"classes": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}')
        """;

    private async Task WriteTrees() => await Support.PythonPil.RunAsync(Script, dir);

    private static long[] ExpectedCounts(IEnumerable<int> images, int classes = 3)
    {
        var counts = new long[classes];
        foreach (var k in images)
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                    if (Truth(k, x, y) is var t and not 255) counts[t]++;
        return counts;
    }

    private static void AssertReadsTheTruth(ISegmentationDataset dataset, int[] images)
    {
        Assert.Equal(images.Length, dataset.Count);
        for (int i = 0; i < images.Length; i++)
        {
            var sample = dataset.Load(i);
            Assert.Equal((Width, Height), (sample.Width, sample.Height));
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                    Assert.Equal(Truth(images[i], x, y), sample.Labels[y * Width + x]);
        }
        Assert.Equal(ExpectedCounts(images, dataset.Classes.Count), TrainingSplitCounts.Compute(dataset));
    }

    private static ISegmentationDataset Open(string kind, string root, string split, params string[] set) =>
        ConfiguredData.Segmentation(ConfigLoader.Load(null, [$"data.kind={kind}", $"data.root={root}", .. set]).Data, split);

    [Fact]
    public async Task PascalVocReadsPaletteIndicesWithVocClassesAndItsListFiles()
    {
        await WriteTrees();
        var root = Path.Combine(dir, "voc");
        var train = Open("voc", root, "train");
        Assert.Equal(21, train.Classes.Count);
        Assert.Equal("aeroplane", train.Classes.Names[1]);
        Assert.Equal((128, 0, 0), train.Classes.Palette[1]);
        Assert.Equal((192, 128, 128), train.Classes.Palette[15]); // person, VOC's colour map
        AssertReadsTheTruth(train, [0, 1, 2]);
        AssertReadsTheTruth(Open("voc", root, "val"), [3]);
        AssertReadsTheTruth(Open("voc", root, "train_aug"), [0, 1, 2]); // SBD-style "image label" pairs
        Assert.Equal([18, 18, 18, 0, 0], TrainingSplitCounts.Compute(train).Take(5)); // 72 pixels, a quarter each, a quarter ignored (by hand)
    }

    [Fact]
    public async Task AVocExportWithALabelmapTakesItsClassesAndColours()
    {
        await WriteTrees();
        var train = Open("voc", Path.Combine(dir, "cvat"), "train");
        Assert.Equal(["background", "lane", "sign"], train.Classes.Names);
        Assert.Equal((250, 50, 83), train.Classes.Palette[1]);
        AssertReadsTheTruth(train, [0, 1, 2]);
    }

    [Fact]
    public async Task Ade20kReducesTheZeroLabelAndNamesItsSplitFolders()
    {
        await WriteTrees();
        var root = Path.Combine(dir, "ade");
        var train = Open("ade20k", root, "train");
        Assert.Equal(150, train.Classes.Count);
        Assert.Equal(["wall", "building", "sky"], train.Classes.Names.Take(3));
        AssertReadsTheTruth(train, [0, 1, 2]);
        AssertReadsTheTruth(Open("ade20k", root, "val"), [3]);
    }

    [Fact]
    public async Task CamVidMapsRgbLabelsThroughClassDictWithVoidIgnored()
    {
        await WriteTrees();
        var root = Path.Combine(dir, "camvid");
        var train = Open("camvid", root, "train");
        Assert.Equal(["Sky", "Building", "Road"], train.Classes.Names);
        AssertReadsTheTruth(train, [0, 1, 2]);
        AssertReadsTheTruth(Open("camvid", root, "val"), [3]);
    }

    [Fact]
    public async Task TheFolderLayoutTakesMmsegmentationsDirectoriesSuffixesAndSplitLists()
    {
        await WriteTrees();
        var root = Path.Combine(dir, "mmseg");
        string[] layout = ["data.img_dir=img_dir", "data.ann_dir=ann_dir", "data.img_suffix=_leftImg8bit.jpg", "data.seg_map_suffix=_gtFine_labelTrainIds.png"];
        AssertReadsTheTruth(Open("folder", root, "train", layout), [0, 1, 2]);
        AssertReadsTheTruth(Open("folder", root, "val", layout), [3]);
        AssertReadsTheTruth(Open("folder", root, "splits/train.txt", layout), [0, 2]);
        var missing = Assert.Throws<FileNotFoundException>(() => Open("folder", root, "train", "data.img_dir=img_dir", "data.ann_dir=ann_dir"));
        Assert.Contains("frame0_leftImg8bit.png", missing.Message); // default suffix .png: the label name it looked for
    }

    [Fact]
    public void FolderLayoutKeysAreRefusedForOtherKinds()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["data.kind=voc", "data.img_dir=x"]));
        Assert.Contains("data.img_dir", e.Message);
        Assert.Contains("folder", e.Message);
    }

    [Fact]
    public void AFolderDatasetExportedAsVocReadsBackTheSameLabels()
    {
        var folder = Path.Combine(dir, "folder");
        RecallKit.Vision.Data.Synthetic.SyntheticScenes.Generate(folder, 4, 2, 64, 32, seed: 3);
        var voc = Path.Combine(dir, "exported");
        VocExport.Write(folder, voc, ["train", "val"]);
        foreach (var split in new[] { "train", "val" })
        {
            var original = new FolderDataset(folder, split);
            var exported = new VocDataset(voc, split);
            Assert.Equal(original.Classes.Names, exported.Classes.Names);
            Assert.Equal(original.Classes.Palette, exported.Classes.Palette);
            for (int i = 0; i < original.Count; i++) Assert.Equal(original.Load(i).Labels, exported.Load(i).Labels);
            Assert.Equal(TrainingSplitCounts.Compute(original), TrainingSplitCounts.Compute(exported));
        }
    }

    [Fact]
    public void ImagesAndLabelsInOneDirectoryPairUpWithoutALabelBecomingAnImage()
    {
        var root = Path.Combine(dir, "together");
        Directory.CreateDirectory(Path.Combine(root, "all", "train"));
        FolderDataset.WriteDescription(root, new DatasetClasses(["a", "b"], [(0, 0, 0), (9, 9, 9)], 255));
        using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(4, 2))
            SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, Path.Combine(root, "all", "train", "x.jpg"));
        using (var label = SixLabors.ImageSharp.Image.LoadPixelData<SixLabors.ImageSharp.PixelFormats.L8>(new byte[] { 0, 1, 1, 0, 1, 1, 0, 0 }, 4, 2))
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(label, Path.Combine(root, "all", "train", "x.png"));
        var dataset = new FolderDataset(root, "train", new FolderLayout("all", "all"));
        Assert.Equal(1, dataset.Count); // x.png is x.jpg's label, not a second image paired with itself
        Assert.Equal([0, 1, 1, 0, 1, 1, 0, 0], dataset.Load(0).Labels);
    }
}
