using RecallKit.Tests.Support;
using RecallKit.Vision.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Data;

/// <summary>Samples decoded into a thread's reused buffers are the samples <see cref="PairedFileDataset.Load(int)"/> gives.</summary>
public sealed class SampleBuffersTests() : TempDirectoryTest("recallkit-buffers-")
{
    [Fact]
    public void ReusedBuffersGiveTheSameSamplesAndAreReusedForEqualSizes()
    {
        FolderDataset.WriteDescription(dir, new DatasetClasses(["a", "b", "c"], [(1, 2, 3), (4, 5, 6), (7, 8, 9)], 255));
        Directory.CreateDirectory(Path.Combine(dir, "images", "train"));
        Directory.CreateDirectory(Path.Combine(dir, "labels", "train"));
        var random = new Random(5);
        foreach (var (name, width, height) in new[] { ("a", 13, 7), ("b", 13, 7), ("c", 6, 9) })
        {
            var rgb = new byte[width * height * 3];
            random.NextBytes(rgb);
            using (var image = Image.LoadPixelData<Rgb24>(rgb, width, height)) image.SaveAsPng(Path.Combine(dir, "images", "train", name + ".png"));
            var ids = Enumerable.Range(0, width * height).Select(_ => (byte)(random.Next(4) is 3 ? 255 : random.Next(3))).ToArray();
            using (var label = Image.LoadPixelData<L8>(ids, width, height)) label.SaveAsPng(Path.Combine(dir, "labels", "train", name + ".png"));
        }
        var dataset = new FolderDataset(dir, "train");
        var buffers = new SampleBuffers();
        byte[]? previousRgb = null;
        int[]? previousLabels = null;
        foreach (int index in new[] { 0, 1, 2, 0 })
        {
            var expected = dataset.Load(index);
            var reused = dataset.Load(index, buffers);
            Assert.Equal((expected.Id, expected.Width, expected.Height), (reused.Id, reused.Width, reused.Height));
            Assert.Equal(expected.Rgb, reused.Rgb);
            Assert.Equal(expected.Labels, reused.Labels);
            if (index == 1)
            {
                Assert.Same(previousRgb, reused.Rgb); // same size as sample 0: same arrays
                Assert.Same(previousLabels, reused.Labels);
            }
            (previousRgb, previousLabels) = (reused.Rgb, reused.Labels);
        }
    }
}
