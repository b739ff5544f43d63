using System.Security.Cryptography;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data.FashionScenes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Data;

/// <summary>The Fashion-MNIST scenes, generated from a small stand-in for the IDX files (every garment a distinct random blob).</summary>
public sealed class FashionScenesTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-fashion-").FullName;
    private readonly string source;

    public FashionScenesTests()
    {
        source = Path.Combine(dir, "source");
        Directory.CreateDirectory(source);
        WriteSource("train", 30, seed: 1);
        WriteSource("t10k", 10, seed: 2);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Writes <paramref name="perClass"/> 28×28 images per class: an 18×18 block of random intensities 40–255 (some holes of 0) on black.</summary>
    private void WriteSource(string prefix, int perClass, int seed, int classes = 10)
    {
        var random = new Random(seed);
        int n = classes * perClass;
        var pixels = new byte[n * 28 * 28];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = (byte)(i % classes);
            for (int y = 5; y < 23; y++)
                for (int x = 5; x < 23; x++)
                    pixels[i * 784 + y * 28 + x] = random.Next(12) == 0 ? (byte)0 : (byte)random.Next(40, 256);
        }
        new IdxFile([n, 28, 28], pixels).Write(Path.Combine(source, $"{prefix}-images-idx3-ubyte.gz"), gzip: true);
        new IdxFile([n], labels).Write(Path.Combine(source, $"{prefix}-labels-idx1-ubyte.gz"), gzip: true);
    }

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void SameSeedGivesIdenticalFileHashesAndAnotherSeedDoesNot()
    {
        FashionSceneGenerator.Generate(Path.Combine(dir, "a"), 8, 3, 64, 48, seed: 5, source);
        FashionSceneGenerator.Generate(Path.Combine(dir, "b"), 8, 3, 64, 48, seed: 5, source);
        FashionSceneGenerator.Generate(Path.Combine(dir, "c"), 8, 3, 64, 48, seed: 6, source);
        var a = Hashes(Path.Combine(dir, "a"));
        var b = Hashes(Path.Combine(dir, "b"));
        var c = Hashes(Path.Combine(dir, "c"));
        Assert.Equal(2 * 11 + 2, a.Count); // images + labels of 11 scenes, dataset.json, frequencies.md
        Assert.Equal(a, b);
        var scenes = a.Keys.Where(k => k.EndsWith(".png")).ToArray();
        Assert.Equal(22, scenes.Length);
        Assert.All(scenes, k => Assert.NotEqual(a[k], c[k]));
    }

    [Fact]
    public void UpperBodyClassesHaveTheDesignedPixelFrequencyOrder()
    {
        var result = FashionSceneGenerator.Generate(dir, 80, 1, 64, 64, seed: 3, source);
        var share = result.Train.GarmentShares;
        byte tshirt = FashionSceneClasses.LabelOf(0), pullover = FashionSceneClasses.LabelOf(2), coat = FashionSceneClasses.LabelOf(4), shirt = FashionSceneClasses.LabelOf(6);
        Assert.True(share[tshirt] > share[pullover] && share[pullover] > share[coat] && share[coat] > share[shirt] && share[shirt] > 0,
            $"T-shirt {share[tshirt]:P2}, pullover {share[pullover]:P2}, coat {share[coat]:P2}, shirt {share[shirt]:P2}");
        Assert.True(share[shirt] < 0.02, $"shirt {share[shirt]:P2} of garment pixels");
        Assert.Equal(80L * 64 * 64, result.Train.Pixels.Sum());
        Assert.Equal(1.0, FashionSceneClasses.InstanceProbabilities.Sum(), 9);
        var instances = result.Train.Instances;
        Assert.True(instances[tshirt] > instances[pullover] && instances[pullover] > instances[coat] && instances[coat] > instances[shirt]);
        Assert.Equal(0, instances[FashionSceneClasses.Background]);
    }

    [Fact]
    public void NoSourceImageIsUsedByBothTrainingAndValidationScenes()
    {
        var result = FashionSceneGenerator.Generate(dir, 30, 12, 64, 64, seed: 2, source);
        var (train, test) = FashionSceneGenerator.LoadSource(source);
        var trainScenes = FashionSceneGenerator.Compose(train, 30, 64, 64, seed: 2, validation: false);
        var valScenes = FashionSceneGenerator.Compose(test, 12, 64, 64, seed: 2, validation: true);

        // the recorded indices are exactly the ones the scenes pasted, each an image of the pasted class in its own split
        Assert.Equal(result.Train.SourceIndices, trainScenes.SelectMany(s => s.Placements).Select(p => p.SourceIndex).Distinct().Order());
        Assert.Equal(result.Val.SourceIndices, valScenes.SelectMany(s => s.Placements).Select(p => p.SourceIndex).Distinct().Order());
        Assert.All(trainScenes.SelectMany(s => s.Placements), p => Assert.Equal(p.Label, FashionSceneClasses.LabelOf(train.Labels[p.SourceIndex])));
        Assert.All(valScenes.SelectMany(s => s.Placements), p => Assert.Equal(p.Label, FashionSceneClasses.LabelOf(test.Labels[p.SourceIndex])));

        // compare by content: no pasted training image is also a pasted validation image
        string Content(ImageArray images, int i) => Convert.ToHexString(images.Image(i).Pixels);
        var trainContent = result.Train.SourceIndices.Select(i => Content(train, i)).ToHashSet();
        Assert.NotEmpty(result.Val.SourceIndices);
        Assert.All(result.Val.SourceIndices, i => Assert.DoesNotContain(Content(test, i), trainContent));
    }

    [Fact]
    public void EveryGarmentLabelSitsOnItsGarmentsPixelsAboveThresholdUnlessALaterGarmentCoversIt()
    {
        var (train, _) = FashionSceneGenerator.LoadSource(source);
        var scenes = FashionSceneGenerator.Compose(train, 6, 96, 64, seed: 4, validation: false);
        int occluded = 0, garmentPixels = 0;
        foreach (var scene in scenes)
        {
            Assert.InRange(scene.Placements.Count, ScenePlanner.MinGarments, ScenePlanner.MaxGarments);
            for (int y = 0; y < scene.Height; y++)
                for (int x = 0; x < scene.Width; x++)
                {
                    int i = y * scene.Width + x;
                    var covering = scene.Placements.Where(p => p.Covers(x, y)).ToArray();
                    if (covering.Length > 1) occluded++;
                    if (covering.Length == 0)
                    {
                        Assert.Equal(FashionSceneClasses.Background, scene.Labels[i]);
                        continue;
                    }
                    var top = covering[^1]; // the last paste wins
                    garmentPixels++;
                    Assert.Equal(top.Label, scene.Labels[i]);
                    Assert.Equal(top.IntensityAt(x, y), scene.Pixels[i]);
                    Assert.True(scene.Pixels[i] > FashionSceneComposer.Threshold, $"({x},{y}) intensity {scene.Pixels[i]}");
                }
        }
        Assert.True(occluded > 0, "some garments overlap");
        Assert.True(garmentPixels > 0);

        // the files hold the same scene
        FashionSceneGenerator.Generate(dir, 6, 1, 96, 64, seed: 4, source);
        using var image = Image.Load<L8>(Path.Combine(dir, "images", "train", "scene_00000.png"));
        using var labels = Image.Load<L8>(Path.Combine(dir, "labels", "train", "scene_00000.png"));
        var pixels = new byte[96 * 64];
        image.CopyPixelDataTo(pixels);
        Assert.Equal(scenes[0].Pixels, pixels);
        labels.CopyPixelDataTo(pixels);
        Assert.Equal(scenes[0].Labels, pixels);
    }

    [Fact]
    public void OutputIsAFolderDatasetWithTheSceneClasses()
    {
        var result = FashionSceneGenerator.Generate(dir, 5, 2, 64, 48, seed: 1, source);
        var train = new FolderDataset(dir, "train");
        Assert.Equal(5, train.Count);
        Assert.Equal(FashionSceneClasses.Names, train.Classes.Names);
        Assert.Equal(result.Train.Pixels, TrainingSplitCounts.Compute(train));
        Assert.Equal(2, new FolderDataset(dir, "val").Count);
    }

    [Fact]
    public void BadSourcePathIsAnErrorNamingThePath()
    {
        var missing = Path.Combine(dir, "no-such-dir");
        var e = Assert.Throws<DirectoryNotFoundException>(() => FashionSceneGenerator.Generate(Path.Combine(dir, "out"), 2, 1, 64, 64, seed: 0, missing));
        Assert.Contains(missing, e.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")), "nothing is written");

        var empty = Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName;
        var f = Assert.Throws<FileNotFoundException>(() => FashionSceneGenerator.Generate(Path.Combine(dir, "out"), 2, 1, 64, 64, seed: 0, empty));
        Assert.Contains(empty, f.Message);
        Assert.Contains("train-images-idx3-ubyte", f.Message);

        WriteSource("train", 3, seed: 1, classes: 9); // no ankle boot
        var g = Assert.Throws<InvalidDataException>(() => FashionSceneGenerator.Generate(Path.Combine(dir, "out"), 2, 1, 64, 64, seed: 0, source));
        Assert.Contains($"{source}: the Fashion-MNIST training split (train-*) has no image of class 9 (ankle boot)", g.Message);
    }
}

public sealed class FashionScenesExperimentTests
{
    [Fact]
    public void ExperimentConfigExpandsToValidRunsOnTheFolderLayout()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RecallKit.slnx"))) root = Path.GetDirectoryName(root)!;
        var comparison = RecallKit.Vision.Experiments.ComparisonConfig.Load(Path.Combine(root, "experiments", "fashion-scenes.json"));
        Assert.Equal(["ce", "recall", "recall-ema", "inverse-frequency", "class-balanced", "focal", "lovasz"], comparison.Variants.Select(v => v.Name));
        foreach (var variant in comparison.Variants)
        {
            var config = comparison.For(variant, comparison.Seeds[0], ["threads=1"]);
            Assert.Equal(RecallKit.Vision.Data.DatasetKind.Folder, config.Data.Kind);
            Assert.Equal((128, 128), (config.Data.Segmentation.CropWidth, config.Data.Segmentation.CropHeight));
        }
    }
}
