using RecallKit.Vision.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Data;

public sealed class CityscapesAndSynthiaTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-layouts-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static void Rgb(string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, new Rgb24(10, 20, 30));
        image.SaveAsPng(path);
    }

    private static void Gray(string path, byte[] values, int width)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = Image.LoadPixelData<L8>(values, width, values.Length / width);
        image.SaveAsPng(path);
    }

    [Fact]
    public void CityscapesMapsLabelIdsToTrainIdsAndPrefersTrainIdFiles()
    {
        Rgb(Path.Combine(dir, "leftImg8bit", "val", "aachen", "aachen_000000_000019_leftImg8bit.png"), 4, 2);
        Gray(Path.Combine(dir, "gtFine", "val", "aachen", "aachen_000000_000019_gtFine_labelIds.png"), [7, 8, 0, 33, 26, 24, 4, 23], 4);
        Rgb(Path.Combine(dir, "leftImg8bit", "val", "bonn", "bonn_000000_000001_leftImg8bit.png"), 2, 1);
        Gray(Path.Combine(dir, "gtFine", "val", "bonn", "bonn_000000_000001_gtFine_labelIds.png"), [7, 7], 2);
        Gray(Path.Combine(dir, "gtFine", "val", "bonn", "bonn_000000_000001_gtFine_labelTrainIds.png"), [18, 255], 2);

        var ds = new CityscapesDataset(dir, "val");
        Assert.Equal(2, ds.Count);
        Assert.Equal(19, ds.Classes.Count);
        Assert.Equal([0, 1, 255, 18, 13, 11, 255, 10], ds.Load(0).Labels);
        Assert.Equal([18, 255], ds.Load(1).Labels);
        Assert.Equal("bicycle", ds.Classes.Names[18]);
    }

    [Fact]
    public void CityscapesErrorsNameTheLayoutAndTheMissingLabel()
    {
        Assert.Contains("leftImg8bit/<split>", Assert.Throws<DirectoryNotFoundException>(() => new CityscapesDataset(dir, "train")).Message);
        Rgb(Path.Combine(dir, "leftImg8bit", "train", "ulm", "ulm_000000_000001_leftImg8bit.png"), 2, 2);
        Directory.CreateDirectory(Path.Combine(dir, "gtFine", "train", "ulm"));
        Assert.Contains("ulm_000000_000001_gtFine_labelIds.png", Assert.Throws<FileNotFoundException>(() => new CityscapesDataset(dir, "train")).Message);
    }

    private void SynthiaFrame(string name, ushort[] ids, int width)
    {
        Rgb(Path.Combine(dir, "RGB", "Stereo_Left", "Omni_F", name + ".png"), width, ids.Length / width);
        var path = Path.Combine(dir, "GT", "LABELS", "Stereo_Left", "Omni_F", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A real 16-bit RGBA label: the class id in the first channel, an instance id in the second.
        var pixels = ids.Select((id, i) => new Rgba64(id, (ushort)(1000 + i), 0, ushort.MaxValue)).ToArray();
        using var image = Image.LoadPixelData<Rgba64>(pixels, width, ids.Length / width);
        image.SaveAsPng(path);
    }

    [Fact]
    public void SynthiaReadsSixteenBitLabelsForBothVoidOptions()
    {
        SynthiaFrame("000000", [0, 1, 3, 11, 15, 10], 3);
        File.WriteAllLines(Path.Combine(dir, "train.txt"), ["000000"]);
        var ignore = new SynthiaDataset(dir, "train");
        Assert.Equal(15, ignore.Classes.Count);
        Assert.Equal([255, 0, 2, 10, 14, 9], ignore.Load(0).Labels);
        Assert.Equal("bicycle", ignore.Classes.Names[10]);
        var asClass = new SynthiaDataset(dir, "train", SynthiaVoid.TrainAsClass);
        Assert.Equal(16, asClass.Classes.Count);
        Assert.Equal([0, 1, 3, 11, 15, 10], asClass.Load(0).Labels);
    }

    [Fact]
    public void SynthiaDefaultSplitIsDeterministicSeventyTenTwenty()
    {
        for (int i = 0; i < 10; i++) SynthiaFrame($"{i:D6}", [1, 2], 2);
        Assert.Equal(7, new SynthiaDataset(dir, "train").Count);
        Assert.Equal(1, new SynthiaDataset(dir, "val").Count);
        Assert.Equal(2, new SynthiaDataset(dir, "test").Count);
        Assert.Contains("000009", new SynthiaDataset(dir, "test").Describe(1));
        SynthiaFrame("000010", [16, 2], 2);
        File.WriteAllLines(Path.Combine(dir, "bad.txt"), ["000010"]);
        Assert.Contains("class id 16", Assert.Throws<InvalidDataException>(() => new SynthiaDataset(dir, "bad").Load(0)).Message);
    }
    [Theory]
    [InlineData(3, 1, 1, 1)]
    [InlineData(4, 2, 1, 1)]
    [InlineData(5, 3, 1, 1)]
    [InlineData(10, 7, 1, 2)]
    [InlineData(6296, 4407, 630, 1259)]
    public void SynthiaDefaultSplitGivesEverySplitAFrameFromThreeFramesOn(int frames, int train, int val, int test) =>
        Assert.Equal((train, val, test), SynthiaDataset.DefaultSplitSizes(frames));

    [Fact]
    public void SynthiaDefaultSplitSizesCoverEveryFrameWithNonEmptySplitsForAnyCountFromThree()
    {
        for (int n = 3; n <= 2000; n++)
        {
            var (train, val, test) = SynthiaDataset.DefaultSplitSizes(n);
            Assert.True(train >= 1 && val >= 1 && test >= 1 && train + val + test == n, $"{n} frames → {train}/{val}/{test}");
        }
    }

    [Fact]
    public void ASynthiaTreeWithFourFramesHasADisjointNonEmptyValidationSplit()
    {
        for (int i = 0; i < 4; i++) SynthiaFrame($"{i:D6}", [1, 2], 2);
        var splits = new[] { "train", "val", "test" }.Select(s => new SynthiaDataset(dir, s)).ToArray();
        Assert.Equal([2, 1, 1], splits.Select(s => s.Count));
        var names = splits.SelectMany(s => Enumerable.Range(0, s.Count).Select(i => s.Describe(i))).ToArray();
        Assert.Equal(4, names.Distinct().Count());
    }

    [Fact]
    public void ASynthiaTreeWithTwoFramesSaysWhyValidationIsEmpty()
    {
        for (int i = 0; i < 2; i++) SynthiaFrame($"{i:D6}", [1, 2], 2);
        var e = Assert.Throws<InvalidDataException>(() => new SynthiaDataset(dir, "val"));
        Assert.Contains("at least 3 frames", e.Message);
        Assert.Contains("has 2", e.Message);
    }
}
