using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Masks;

namespace RecallKit.Tests.Data;

/// <summary>
/// Label files written by PIL (an encoder independent of ImageSharp) in every supported encoding read as the same class ids
/// and give the same exact per-class pixel counts: 8- and 16-bit greyscale, palette (8- and 2-bit, with a palette that repeats
/// a colour), RGB through the classes' colours with an ignore colour, and ADE20K's reduce_zero_label.
/// </summary>
public sealed class MaskFormatTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-masks-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const int Width = 7, Height = 5;

    /// <summary>The ground truth: class (x + 2y + k) mod 4 of image k, where 3 is unlabelled (ignore id 255).</summary>
    private static int Truth(int k, int x, int y) => (x + 2 * y + k) % 4 is 3 ? 255 : (x + 2 * y + k) % 4;

    private const string Script = """
        import json, os, sys
        from PIL import Image
        root = sys.argv[1]
        W, H = 7, 5
        colours = [(128, 64, 128), (220, 20, 60), (0, 0, 142)]
        ignore_colour = (0, 0, 0)
        def truth(k, x, y):
            v = (x + 2 * y + k) % 4
            return 255 if v == 3 else v
        def tree(name, description, write_label):
            for split, count in (("train", 3), ("val", 1)):
                os.makedirs(f"{root}/{name}/images/{split}", exist_ok=True)
                os.makedirs(f"{root}/{name}/labels/{split}", exist_ok=True)
                for k in range(count):
                    Image.new("RGB", (W, H), (10 * k, 50, 90)).save(f"{root}/{name}/images/{split}/img{k}.jpg", quality=90)
                    write_label(k, f"{root}/{name}/labels/{split}/img{k}.png")
            with open(f"{root}/{name}/dataset.json", "w") as f:
                json.dump(description, f)
        classes = [{"name": n, "color": list(c)} for n, c in zip(["road", "person", "car"], colours)]
        def ids(k, mode, f=lambda v: v):
            im = Image.new(mode, (W, H))
            im.putdata([f(truth(k, x, y)) for y in range(H) for x in range(W)])
            return im
        tree("grey8", {"classes": classes}, lambda k, p: ids(k, "L").save(p))
        tree("grey16", {"classes": classes}, lambda k, p: ids(k, "I;16").save(p))
        def palette(k, p):
            im = ids(k, "P")
            # index 2 has the same colour as index 0, and so do the padding entries up to 255: only the indices tell them apart
            im.putpalette([0, 0, 0, 200, 0, 0, 0, 0, 0] + [0] * (768 - 9))  # 256 entries, as VOC's: 8-bit indices
            im.save(p)
        tree("palette", {"classes": classes}, palette)
        def rgb(k, p):
            im = Image.new("RGB", (W, H))
            im.putdata([ignore_colour if t == 255 else colours[t] for t in (truth(k, x, y) for y in range(H) for x in range(W))])
            im.save(p)
        tree("rgb", {"classes": classes, "ignore_color": list(ignore_colour)}, rgb)
        tree("ade", {"classes": classes, "reduce_zero_label": True}, lambda k, p: ids(k, "L", lambda v: 0 if v == 255 else v + 1).save(p))
        # 2-bit palette (PIL picks the depth from a 4-colour palette)
        small = Image.new("P", (4, 1)); small.putdata([0, 1, 2, 1]); small.putpalette([9, 9, 9, 1, 1, 1, 2, 2, 2, 3, 3, 3]); small.save(f"{root}/two-bit.png", bits=2)
        """;

    private async Task WriteTrees() => await Support.PythonPil.RunAsync(Script, dir);

    [Theory]
    [InlineData("grey8", MaskEncoding.Grey8)]
    [InlineData("grey16", MaskEncoding.Grey16)]
    [InlineData("palette", MaskEncoding.Palette)]
    [InlineData("rgb", MaskEncoding.Rgb)]
    [InlineData("ade", MaskEncoding.Grey8)]
    public async Task EveryEncodingReadsTheSameIdsAndExactClassCounts(string tree, MaskEncoding encoding)
    {
        await WriteTrees();
        var root = Path.Combine(dir, tree);
        var train = new FolderDataset(root, "train");
        var expectedCounts = new long[3];
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(encoding, MaskFiles.Read(Path.Combine(root, "labels", "train", $"img{k}.png")).Encoding);
            var sample = train.Load(k);
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                {
                    int truth = Truth(k, x, y);
                    Assert.Equal(truth, sample.Labels[y * Width + x]);
                    if (truth != 255) expectedCounts[truth]++;
                }
        }
        Assert.Equal(expectedCounts, TrainingSplitCounts.Compute(train));
        Assert.Equal([27, 25, 28], expectedCounts); // of 3 × 35 pixels, 25 unlabelled (counted by hand from the pattern)
    }

    [Fact]
    public async Task APaletteOfTwoBitsPerPixelReadsItsIndices()
    {
        await WriteTrees();
        var mask = MaskFiles.Read(Path.Combine(dir, "two-bit.png"));
        Assert.Equal(MaskEncoding.Palette, mask.Encoding);
        Assert.Equal([0, 1, 2, 1], mask.Values);
    }

    [Fact]
    public async Task ReduceZeroLabelRefusesAValueAboveTheClassesNamingIt()
    {
        await WriteTrees();
        var root = Path.Combine(dir, "ade");
        // a grey8 label with value 4 = class 3, which does not exist (3 classes)
        using (var image = SixLabors.ImageSharp.Image.LoadPixelData<SixLabors.ImageSharp.PixelFormats.L8>(Enumerable.Repeat((byte)4, Width * Height).ToArray(), Width, Height))
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, Path.Combine(root, "labels", "train", "img0.png"));
        var e = Assert.Throws<InvalidDataException>(() => new FolderDataset(root, "train").Load(0));
        Assert.Contains("has value 4 at pixel (0,0)", e.Message);
        Assert.Contains("reduce_zero_label", e.Message);
    }

    [Fact]
    public async Task CachedClassCountsAreRecomputedWhenALabelOrTheDescriptionChanges()
    {
        await WriteTrees();
        var root = Path.Combine(dir, "grey8");
        Assert.Equal([27, 25, 28], TrainingSplitCounts.Get(new FolderDataset(root, "train"), root, "train"));
        Assert.True(File.Exists(Path.Combine(root, "class_counts_train.json")));

        // the middle label (neither first nor last) becomes all road
        var middle = Path.Combine(root, "labels", "train", "img1.png");
        using (var image = SixLabors.ImageSharp.Image.LoadPixelData<SixLabors.ImageSharp.PixelFormats.L8>(new byte[Width * Height], Width, Height))
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, middle);
        File.SetLastWriteTimeUtc(middle, File.GetLastWriteTimeUtc(middle).AddSeconds(5));
        // image 1 had 7 road, 10 person, 8 car pixels (10 unlabelled); now 35 road
        Assert.Equal([27 - 7 + 35, 25 - 10, 28 - 8], TrainingSplitCounts.Get(new FolderDataset(root, "train"), root, "train"));

        // the description changes how labels decode: reduce_zero_label (0 → ignore, v → v − 1)
        File.WriteAllText(Path.Combine(root, "dataset.json"), File.ReadAllText(Path.Combine(root, "dataset.json")).Replace("{\"classes\"", "{\"reduce_zero_label\": true, \"classes\""));
        var reduced = TrainingSplitCounts.Get(new FolderDataset(root, "train"), root, "train");
        Assert.Equal(TrainingSplitCounts.Compute(new FolderDataset(root, "train")), reduced);
        Assert.Equal(0, reduced[2]); // values 0, 1, 2 now mean unlabelled, road, person: no pixel is a car
    }

    [Fact]
    public async Task PalettePngsWeWriteReadInPilAsTheirIndices()
    {
        var indices = Enumerable.Range(0, 7 * 3).Select(i => (byte)(i == 5 ? 255 : i % 4)).ToArray();
        var path = Path.Combine(dir, "written.png");
        PalettePng.Write(path, indices, 7, 3, [(0, 0, 0), (200, 0, 0), (0, 0, 0), (9, 9, 9)]); // index 2 repeats index 0's colour
        var pil = await Support.PythonPil.RunAsync("""
            import sys
            from PIL import Image
            im = Image.open(sys.argv[1])
            print(im.mode, im.size[0], im.size[1], " ".join(str(v) for v in im.getdata()))
            """, path);
        Assert.Equal($"P 7 3 {string.Join(" ", indices)}", pil.Trim());
        Assert.Equal(indices.Select(b => (int)b), MaskFiles.Read(path).Values);
    }

    [Fact]
    public async Task SixteenBitIdsAboveTheByteRangeAndAPaletteInTheClassColoursOfOtherIds()
    {
        var written = await Support.PythonPil.RunAsync("""
            import sys
            from PIL import Image
            root = sys.argv[1]
            im = Image.new("I;16", (3, 1)); im.putdata([300, 1, 65535]); im.save(f"{root}/wide.png")
            # the classes' colours (road, person, car) in another order, as quantize() assigns them
            q = Image.new("P", (3, 1)); q.putdata([0, 1, 2]); q.putpalette([0, 0, 142, 128, 64, 128, 220, 20, 60] + [0] * 759); q.save(f"{root}/quantised.png")
            print("ok")
            """, dir);
        Assert.Equal("ok", written.Trim());
        Assert.Equal([300, 1, 65535], MaskFiles.Read(Path.Combine(dir, "wide.png")).Values);

        await WriteTrees();
        var root = Path.Combine(dir, "palette");
        File.Copy(Path.Combine(dir, "quantised.png"), Path.Combine(root, "labels", "train", "img0.png"), overwrite: true);
        using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(3, 1))
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, Path.Combine(root, "images", "train", "img0.png"));
        File.Delete(Path.Combine(root, "images", "train", "img0.jpg"));
        var e = Assert.Throws<InvalidDataException>(() => new FolderDataset(root, "train").Load(0));
        Assert.Contains("has the colour (0,0,142) of class 2 'car', but palette indices are read as class ids (class 0 'road')", e.Message);
    }
}
