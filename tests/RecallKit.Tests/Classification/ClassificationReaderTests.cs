using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Tasks;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;

namespace RecallKit.Tests.Classification;

public sealed class ClassificationReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-cls-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string WriteImage(string relative, int width, int height, byte value)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, new Rgb24(value, (byte)(value / 2), 7));
        if (path.EndsWith(".png")) image.SaveAsPng(path); else image.SaveAsJpeg(path);
        return path;
    }

    [Fact]
    public void PlacesLtListFilesGiveLabelsPathsAndDirectoryClassNames()
    {
        WriteImage("a/airfield/00000001.jpg", 40, 20, 200);
        WriteImage("b/bakery/shop/00000002.jpg", 20, 30, 100);
        File.WriteAllLines(Path.Combine(dir, "Places_LT_train.txt"), ["/a/airfield/00000001.jpg 0", "", "/b/bakery/shop/00000002.jpg 2"]);
        File.WriteAllLines(Path.Combine(dir, "Places_LT_val.txt"), ["/b/bakery/shop/00000002.jpg 2"]);

        var data = ConfiguredData.Classification(new DataConfig { Kind = DatasetKind.PlacesLt, Root = dir, ClassificationInput = new() { ImageSize = 16 }, ImageFiles = new() { ResizeShorter = 16 } });
        Assert.Equal(["airfield", "class_1", "bakery/shop"], data.Train.ClassNames);
        Assert.Equal([0, 2], data.Train.Labels);
        Assert.Equal([1L, 0, 1], data.Train.SamplesPerClass());
        Assert.Equal(Path.Combine(dir, "a/airfield/00000001.jpg"), data.Train.Describe(0));
        var image = data.Train.Load(0); // 40×20 resized so the shorter side is 16
        Assert.Equal((3, 16, 32), (image.Channels, image.Height, image.Width));
        Assert.Single(data.Val.Labels);
    }

    [Fact]
    public void MalformedListLinesNameFileAndLine()
    {
        var list = Path.Combine(dir, "list.txt");
        File.WriteAllLines(list, ["a.jpg 0", "b.jpg x"]);
        var e = Assert.Throws<InvalidDataException>(() => LabelListFile.Read(list, dir));
        Assert.Contains($"{list}:2", e.Message);
        Assert.Contains("b.jpg x", e.Message);
    }

    [Fact]
    public void INaturalistJsonMapsCategoriesInAscendingOrderAndValFollowsTrain()
    {
        File.WriteAllText(Path.Combine(dir, "train2018.json"), """
            {"images": [{"id": 10, "file_name": "train_val2018/Plantae/7/a.jpg"}, {"id": 11, "file_name": "train_val2018/Aves/3/b.jpg"}, {"id": 12, "file_name": "c.jpg"}],
             "annotations": [{"id": 1, "image_id": 10, "category_id": 7}, {"id": 2, "image_id": 11, "category_id": 3}, {"id": 3, "image_id": 12, "category_id": 7}],
             "categories": [{"id": 3, "name": "Aves"}, {"id": 7, "name": "Plantae"}]}
            """);
        File.WriteAllText(Path.Combine(dir, "val2018.json"), """
            {"images": [{"id": 5, "file_name": "v.jpg"}], "annotations": [{"image_id": 5, "category_id": 3}]}
            """);
        var data = ConfiguredData.Classification(new DataConfig { Kind = DatasetKind.INaturalist, Root = dir });
        Assert.Equal(["Aves", "Plantae"], data.Train.ClassNames);
        Assert.Equal([1, 0, 1], data.Train.Labels);
        Assert.Equal(Path.Combine(dir, "train_val2018/Plantae/7/a.jpg"), data.Train.Describe(0));
        Assert.Equal([0], data.Val.Labels);

        File.WriteAllText(Path.Combine(dir, "val2018.json"), """{"images": [{"id": 5, "file_name": "v.jpg"}], "annotations": [{"image_id": 5, "category_id": 99}]}""");
        Assert.Contains("category 99", Assert.Throws<InvalidDataException>(() => ConfiguredData.Classification(new DataConfig { Kind = DatasetKind.INaturalist, Root = dir })).Message);
        File.WriteAllText(Path.Combine(dir, "val2018.json"), """{"images": [], "annotations": [{"image_id": 5, "category_id": 3}]}""");
        Assert.Contains("image 5", Assert.Throws<InvalidDataException>(() => ConfiguredData.Classification(new DataConfig { Kind = DatasetKind.INaturalist, Root = dir })).Message);
    }

    [Fact]
    public void ImageFolderUsesSortedClassFoldersAndRejectsUnknownValidationClasses()
    {
        WriteImage("train/dog/1.png", 8, 8, 10);
        WriteImage("train/cat/1.png", 8, 8, 20);
        WriteImage("train/cat/2.jpg", 8, 8, 30);
        File.WriteAllText(Path.Combine(dir, "train/cat/notes.txt"), "not an image");
        WriteImage("val/dog/1.png", 8, 8, 40);
        var config = new DataConfig { Kind = DatasetKind.ImageFolder, Root = dir, ClassificationInput = new() { ImageSize = 8 }, ImageFiles = new() { ResizeShorter = 0 } };
        var data = ConfiguredData.Classification(config);
        Assert.Equal(["cat", "dog"], data.Train.ClassNames);
        Assert.Equal([0, 0, 1], data.Train.Labels);
        Assert.Equal([1], data.Val.Labels);
        var pixel = data.Train.Load(2).Pixels; // dog/1.png, PNG is lossless
        Assert.Equal([10, 5, 7], pixel[..3]);

        WriteImage("val/horse/1.png", 8, 8, 40);
        Assert.Contains("'horse' is not one of the training classes", Assert.Throws<InvalidDataException>(() => ConfiguredData.Classification(config)).Message);
    }

    [Fact]
    public void CifarBinaryRecordsBecomeInterleavedPixelsWithTheFineLabel()
    {
        var record = new byte[2 + 3072];
        record[0] = 4; // coarse
        record[1] = 42; // fine
        record[2 + 0] = 11; // R of pixel 0
        record[2 + 1024] = 22; // G of pixel 0
        record[2 + 2048] = 33; // B of pixel 0
        record[2 + 1023] = 99; // R of the last pixel
        File.WriteAllBytes(Path.Combine(dir, "train.bin"), [.. record, .. record]);
        var images = CifarBinary.Load(dir, 100, train: true);
        Assert.Equal([42, 42], images.Labels);
        Assert.Equal((3, 32, 32), (images.Channels, images.Height, images.Width));
        var first = images.Image(0).Pixels;
        Assert.Equal([11, 22, 33], first[..3]);
        Assert.Equal(99, first[3 * 1023]);

        File.WriteAllBytes(Path.Combine(dir, "test.bin"), record[..100]);
        Assert.Contains("not a whole number", Assert.Throws<InvalidDataException>(() => CifarBinary.Load(dir, 100, train: false)).Message);
        Assert.Contains("data_batch_1.bin", Assert.Throws<FileNotFoundException>(() => CifarBinary.Load(dir, 10, train: true)).Message);
    }

    [Fact]
    public void TransformsCropPadFlipAndNormalise()
    {
        // 2×3 grayscale image, values 0..5 row-major
        var image = new RawImage([0, 1, 2, 3, 4, 5], 1, 2, 3);
        var identity = new ClassificationAugmentation(2, 1, true, [0f], [1 / 255f]);
        // Eval: centre crop of 2×2 from 2×3 starts at column 0 ((3-2)/2 = 0)
        Assert.Equal([0f, 1, 3, 4], ClassificationTransforms.Eval(image, identity));
        // Training crops stay inside the zero-padded image and flips mirror the columns
        for (int seed = 0; seed < 50; seed++)
        {
            var crop = ClassificationTransforms.Train(image, identity, new Random(seed));
            Assert.All(crop, v => Assert.InRange(v, 0f, 5f));
        }
        var normalised = ClassificationTransforms.Eval(image, new ClassificationAugmentation(2, 0, false, [0.5f], [0.25f]));
        Assert.Equal((0 / 255f - 0.5f) / 0.25f, normalised[0], 5);
        Assert.Equal((4 / 255f - 0.5f) / 0.25f, normalised[3], 5);
    }

    [Fact]
    public void SamplersAreSeededPerEpochAndBalanceClasses()
    {
        var labels = Enumerable.Repeat(0, 900).Concat(Enumerable.Repeat(1, 90)).Concat(Enumerable.Repeat(2, 10)).ToArray();
        var uniform = ClassSampler.Epoch(labels, 3, SamplerKind.Uniform, 5, 0);
        Assert.Equal(Enumerable.Range(0, 1000), uniform.Order());
        Assert.Equal(uniform, ClassSampler.Epoch(labels, 3, SamplerKind.Uniform, 5, 0));
        Assert.NotEqual(uniform, ClassSampler.Epoch(labels, 3, SamplerKind.Uniform, 5, 1));

        double[] Shares(SamplerKind kind)
        {
            var draws = Enumerable.Range(0, 40).SelectMany(e => ClassSampler.Epoch(labels, 3, kind, 1, e)).ToArray();
            return Enumerable.Range(0, 3).Select(c => draws.Count(i => labels[i] == c) / (double)draws.Length).ToArray();
        }
        var balanced = Shares(SamplerKind.ClassBalanced);
        Assert.All(balanced, s => Assert.InRange(s, 1 / 3.0 - 0.01, 1 / 3.0 + 0.01));
        var sqrt = Shares(SamplerKind.SquareRoot);
        double z = Math.Sqrt(900) + Math.Sqrt(90) + Math.Sqrt(10);
        Assert.InRange(sqrt[0], 30 / z - 0.01, 30 / z + 0.01);
        Assert.InRange(sqrt[2], Math.Sqrt(10) / z - 0.01, Math.Sqrt(10) / z + 0.01);
    }
}
