using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Tasks;

namespace RecallKit.Tests.Classification;

/// <summary>
/// <c>data.image_size</c> applies to every classification dataset: Fashion-MNIST and CIFAR images are resized to it; configs
/// recorded before (image_size 224 and resize_shorter 256 for every dataset, without effect on these) still mean their own size.
/// </summary>
public sealed class ClassificationImageSizeTests
{
    [Fact]
    public void ConfigsWrittenBeforeImageSizeAppliedEverywhereKeepTheirMeaning()
    {
        // What config.json held for a Fashion-MNIST-LT run until 2026-12, and the same for image files.
        var old = ConfigLoader.ToJson(ConfigLoader.Load(null, ["data.kind=fashion_mnist_lt", "model.architecture=small_cnn"]))
            .Replace("\"image_size\": null", "\"image_size\": 224").Replace("\"resize_shorter\": null", "\"resize_shorter\": 256");
        Assert.Contains("\"image_size\": 224", old);
        var oldFile = Path.Combine(Path.GetTempPath(), $"recallkit-old-{Guid.NewGuid():N}.json");
        File.WriteAllText(oldFile, old);
        try
        {
            // train --config <old run>/config.json: the pair is named, not read either way without a word
            Assert.Contains("before 2026-12", Assert.Throws<ConfigException>(() => ConfigLoader.Load(oldFile)).Message);
        }
        finally
        {
            File.Delete(oldFile);
        }
        var read = ConfigLoader.FromJson(old);
        Assert.Null(read.Data.ClassificationInput.ImageSize);
        Assert.Equal(28, ConfiguredData.Augmentation(read.Data).Size);
        Assert.Empty(RecallKit.Vision.Training.ResumeCompatibility.Differences(read, ConfigLoader.Load(null, ["data.kind=fashion_mnist_lt", "model.architecture=small_cnn"])));

        var files = ConfigLoader.FromJson(old.Replace("fashion_mnist_lt", "image_folder"));
        Assert.Equal(224, ConfiguredData.Augmentation(files.Data).Size);
        Assert.Equal(256, files.Data.ImageFiles.ResizeShorterOrDefault());
    }

    [Fact]
    public void AnExplicitSizeResizesFashionMnistAndSurvivesTheRunsConfigFile()
    {
        var config = ConfigLoader.Load(null, ["data.kind=fashion_mnist_lt", "model.architecture=small_cnn", "data.image_size=56"]);
        var again = ConfigLoader.FromJson(ConfigLoader.ToJson(config));
        Assert.Equal(56, again.Data.ClassificationInput.ImageSize);
        Assert.Equal(56, ConfiguredData.Augmentation(again.Data).Size);
        Assert.Null(ConfigLoader.Load(null, ["data.kind=fashion_mnist_lt", "model.architecture=small_cnn", "data.image_size=28"]).Data.ClassificationInput.ImageSize);
        // an image_folder config copied to CIFAR: its resize_shorter is refused, not taken as the old record's "not set"
        var copied = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null,
            ["data.kind=cifar10_lt", "model.architecture=resnet32_cifar", "data.image_size=224", "data.resize_shorter=256"]));
        Assert.Contains("is what run records written before 2026-12 hold for every dataset", copied.Message);
        Assert.Contains("Remove both keys to keep their own size", copied.Message);
        Assert.Equal(224, ConfigLoader.Load(null, ["data.kind=cifar10_lt", "model.architecture=resnet32_cifar", "data.image_size=224"]).Data.ClassificationInput.ImageSize);
    }

    [Fact]
    public void ResizedImagesKeepTheirContentAndFeedACropOfTheNewSize()
    {
        // A 4×4 image of two halves, resized to 8×8: the left half stays dark, the right bright, and the training crop is 8×8.
        var pixels = Enumerable.Range(0, 16).Select(i => (byte)(i % 4 < 2 ? 10 : 250)).ToArray();
        var inner = new InMemoryDataset(new ImageArray(pixels, [0], 1, 4, 4, ["a"]), "tiny");
        var resized = new ResizedDataset(inner, 8).Load(0);
        Assert.Equal((8, 8, 1), (resized.Width, resized.Height, resized.Channels));
        for (int y = 0; y < 8; y++)
        {
            Assert.InRange(resized.Pixels[y * 8], 0, 30);
            Assert.InRange(resized.Pixels[y * 8 + 7], 230, 255);
        }
        var input = ClassificationTransforms.Eval(resized, new ClassificationAugmentation(8, 2, false, [0f], [1 / 255f]));
        Assert.Equal(64, input.Length);
        Assert.Equal(resized.Pixels.Select(b => (float)b), input.Select(v => MathF.Round(v)));
    }
}
