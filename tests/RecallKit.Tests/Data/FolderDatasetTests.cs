using RecallKit.Vision.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Data;

public sealed class FolderDatasetTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-folder-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private void WriteDataset(byte[] labels, int width = 3, int height = 2, int labelWidth = 3)
    {
        FolderDataset.WriteDescription(dir, new DatasetClasses(["a", "b", "c"], [(1, 2, 3), (4, 5, 6), (7, 8, 9)], 255));
        Directory.CreateDirectory(Path.Combine(dir, "images", "train"));
        Directory.CreateDirectory(Path.Combine(dir, "labels", "train"));
        var rgb = Enumerable.Range(0, width * height * 3).Select(i => (byte)(i * 10)).ToArray();
        using (var image = Image.LoadPixelData<Rgb24>(rgb, width, height)) image.SaveAsPng(Path.Combine(dir, "images", "train", "x.png"));
        using (var label = Image.LoadPixelData<L8>(labels, labelWidth, labels.Length / labelWidth)) label.SaveAsPng(Path.Combine(dir, "labels", "train", "x.png"));
    }

    [Fact]
    public void DecodesPixelsAndLabelsExactly()
    {
        WriteDataset([0, 1, 2, 255, 1, 0]);
        var ds = new FolderDataset(dir, "train");
        var s = ds.Load(0);
        Assert.Equal([0, 1, 2, 255, 1, 0], s.Labels);
        Assert.Equal(Enumerable.Range(0, 18).Select(i => (byte)(i * 10)).ToArray(), s.Rgb);
        Assert.Equal(["a", "b", "c"], ds.Classes.Names);
        Assert.Equal(((byte)4, (byte)5, (byte)6), ds.Classes.Palette[1]);
    }

    [Fact]
    public void LabelOutsideTheClassRangeNamesFileAndValue()
    {
        WriteDataset([0, 1, 7, 255, 1, 0]);
        var e = Assert.Throws<InvalidDataException>(() => new FolderDataset(dir, "train").Load(0));
        Assert.Contains("x.png", e.Message);
        Assert.Contains("value 7", e.Message);
    }

    [Fact]
    public void SizeMismatchNamesBothFiles()
    {
        WriteDataset([0, 1, 0, 1], labelWidth: 2);
        var e = Assert.Throws<InvalidDataException>(() => new FolderDataset(dir, "train").Load(0));
        Assert.Contains(Path.Combine("images", "train", "x.png"), e.Message);
        Assert.Contains(Path.Combine("labels", "train", "x.png"), e.Message);
    }

    [Fact]
    public void MissingDirectoryOrSplitShowsTheLayout()
    {
        Assert.Contains("images/<split>", Assert.Throws<DirectoryNotFoundException>(() => new FolderDataset(Path.Combine(dir, "none"), "train")).Message);
        WriteDataset([0, 1, 2, 255, 1, 0]);
        Assert.Contains("split 'val'", Assert.Throws<DirectoryNotFoundException>(() => new FolderDataset(dir, "val")).Message);
    }

    [Fact]
    public void MissingLabelAndCorruptImageAreNamed()
    {
        WriteDataset([0, 1, 2, 255, 1, 0]);
        File.Delete(Path.Combine(dir, "labels", "train", "x.png"));
        Assert.Contains("x.png", Assert.Throws<FileNotFoundException>(() => new FolderDataset(dir, "train")).Message);
        WriteDataset([0, 1, 2, 255, 1, 0]);
        var image = Path.Combine(dir, "images", "train", "x.png");
        File.WriteAllBytes(image, File.ReadAllBytes(image)[..20]);
        Assert.Contains(image, Assert.Throws<InvalidDataException>(() => new FolderDataset(dir, "train").Load(0)).Message);
    }
}
