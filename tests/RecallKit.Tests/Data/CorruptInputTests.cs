using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Data;

/// <summary>Damaged or unexpected files: each is a clear error naming the file (or a documented acceptance), never garbage or a crash.</summary>
public sealed class CorruptInputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-corrupt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string ImagePath => Path.Combine(dir, "images", "train", "x.png");
    private string LabelPath => Path.Combine(dir, "labels", "train", "x.png");

    private void WriteDataset()
    {
        FolderDataset.WriteDescription(dir, new DatasetClasses(["a", "b", "c"], [(1, 2, 3), (4, 5, 6), (7, 8, 9)], 255));
        Directory.CreateDirectory(Path.GetDirectoryName(ImagePath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(LabelPath)!);
        using (var image = Image.LoadPixelData<Rgb24>(Enumerable.Range(0, 4 * 2 * 3).Select(i => (byte)(i * 10)).ToArray(), 4, 2)) image.SaveAsPng(ImagePath);
        using (var label = Image.LoadPixelData<L8>(new byte[] { 0, 1, 2, 255, 1, 0, 2, 1 }, 4, 2)) label.SaveAsPng(LabelPath);
    }

    private InvalidDataException LoadFails()
    {
        var e = Assert.Throws<InvalidDataException>(() => new FolderDataset(dir, "train").Load(0));
        Assert.Contains("x.png", e.Message);
        return e;
    }

    [Fact]
    public void ATruncatedImageIsAnErrorNamingIt()
    {
        WriteDataset();
        var bytes = File.ReadAllBytes(ImagePath);
        File.WriteAllBytes(ImagePath, bytes[..(bytes.Length / 2)]);
        Assert.Contains(ImagePath, LoadFails().Message);
    }

    [Fact]
    public void AnEmptyImageOrLabelFileIsAnErrorNamingIt()
    {
        WriteDataset();
        File.WriteAllBytes(LabelPath, []);
        Assert.Contains(LabelPath, LoadFails().Message);
        WriteDataset();
        File.WriteAllBytes(ImagePath, []);
        Assert.Contains(ImagePath, LoadFails().Message);
    }

    [Fact]
    public void ATruncatedLabelIsAnErrorNamingIt()
    {
        WriteDataset();
        var bytes = File.ReadAllBytes(LabelPath);
        File.WriteAllBytes(LabelPath, bytes[..(bytes.Length - 20)]);
        Assert.Contains(LabelPath, LoadFails().Message);
    }

    [Fact]
    public void ASixteenBitLabelIsReadAsIdsInsteadOfBeingScaledToZero()
    {
        WriteDataset();
        using (var label = Image.LoadPixelData<L16>(new ushort[] { 0, 1, 2, 1, 1, 0, 2, 1 }.Select(v => new L16(v)).ToArray(), 4, 2)) label.SaveAsPng(LabelPath);
        Assert.Equal([0, 1, 2, 1, 1, 0, 2, 1], new FolderDataset(dir, "train").Load(0).Labels);
    }

    [Fact]
    public void APaletteWhoseIndexHasAnotherClassesColourIsAnErrorNotASwap()
    {
        WriteDataset();
        // A colour-coded label quantised to a palette: one colour, (4,5,6) = class b's, at index 0 = class a's id.
        // Read by index it would silently be class a; by colour class b.
        using (var label = Image.LoadPixelData<Rgb24>(Enumerable.Repeat(new Rgb24(4, 5, 6), 8).ToArray(), 4, 2))
            label.SaveAsPng(LabelPath, new PngEncoder { ColorType = PngColorType.Palette });
        var message = LoadFails().Message;
        Assert.Contains("index 0 (first at pixel (0,0)) has the colour (4,5,6) of class 1 'b'", message);
        Assert.Contains("(class 0 'a'): its classes would be swapped", message);
    }

    [Fact]
    public void AColourThatIsNoClassIsAnErrorNamingPixelColourAndNearestClass()
    {
        WriteDataset();
        var pixels = Enumerable.Repeat(new Rgb24(4, 5, 6), 8).ToArray();
        pixels[6] = new Rgb24(2, 2, 2);
        using (var label = Image.LoadPixelData<Rgb24>(pixels, 4, 2)) label.SaveAsPng(LabelPath);
        var message = LoadFails().Message;
        Assert.Contains("colour (2,2,2) at pixel (2,1)", message);
        Assert.Contains("nearest class colour: 'a' (1,2,3)", message);
    }

    [Fact]
    public void ASixteenBitImageIsAcceptedAndScaledToEightBits()
    {
        // Documented acceptance: input images of any depth are converted to 8-bit RGB (65535 → 255, 257·v → v).
        WriteDataset();
        var pixels = Enumerable.Range(0, 8).Select(i => new Rgb48((ushort)(257 * i), 65535, 0)).ToArray();
        using (var image = Image.LoadPixelData<Rgb48>(pixels, 4, 2)) image.SaveAsPng(ImagePath);
        var sample = new FolderDataset(dir, "train").Load(0);
        Assert.Equal(Enumerable.Range(0, 8).SelectMany(i => new[] { (byte)i, (byte)255, (byte)0 }).ToArray(), sample.Rgb);
    }

    [Fact]
    public void AConfigWithAByteOrderMarkAndTrailingCommasIsAccepted()
    {
        var path = Path.Combine(dir, "bom.json");
        File.WriteAllText(path, "{ \"seed\": 3, \"loss\": { \"kind\": \"recall\", }, }", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);
        var config = ConfigLoader.Load(path);
        Assert.Equal(3, config.Seed);
        Assert.Equal(LossKind.Recall, config.Loss.Kind);
    }

    [Fact]
    public void AConfigWithADuplicateKeyIsAnErrorNamingIt()
    {
        var path = Path.Combine(dir, "dup.json");
        File.WriteAllText(path, "{ \"seed\": 3, \"loss\": { \"kind\": \"recall\", \"kind\": \"focal\" } }");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("kind", e.Message);
    }
}
