using RecallKit.Vision.Data.Classification;

namespace RecallKit.Tests.Classification;

/// <summary>
/// Training and evaluation place an image the same way: an image smaller than the crop sits centred in both (training adds
/// random offsets of at most the padding), and a flip mirrors the image content where it is instead of moving it.
/// </summary>
public sealed class ClassificationPlacementTests
{
    // Identity normalisation: output = pixel / 255.
    private static ClassificationAugmentation Augmentation(int size, int padding, bool flip) => new(size, padding, flip, [0f], [1 / 255f]);

    /// <summary>A 1-channel image with pixel values 1 … h·w (0 is the padding).</summary>
    private static RawImage Numbered(int height, int width) =>
        new(Enumerable.Range(1, height * width).Select(v => (byte)v).ToArray(), 1, height, width);

    /// <summary>Where pixel value 1 (the image's top-left) landed, and the output as ints.</summary>
    private static (int row, int col, int[] values) Place(float[] output, int size)
    {
        var values = output.Select(v => (int)Math.Round(v)).ToArray();
        int at = Array.IndexOf(values, 1);
        return (at / size, at % size, values);
    }

    [Fact]
    public void ASmallImageIsCentredInTrainingAsInEvaluationWithoutPadding()
    {
        var image = Numbered(4, 6);
        var eval = Place(ClassificationTransforms.Eval(image, Augmentation(10, 0, false)), 10);
        Assert.Equal((3, 2), (eval.row, eval.col));
        for (int seed = 0; seed < 20; seed++)
        {
            var train = Place(ClassificationTransforms.Train(image, Augmentation(10, 0, false), new Random(seed)), 10);
            Assert.Equal(eval.values, train.values); // no padding, no flip: exactly the evaluation input
        }
    }

    [Fact]
    public void AFlipMirrorsASmallImageInPlace()
    {
        var image = Numbered(3, 5);
        var eval = Place(ClassificationTransforms.Eval(image, Augmentation(9, 0, false)), 9).values;
        int flipped = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            var train = Place(ClassificationTransforms.Train(image, Augmentation(9, 0, true), new Random(seed)), 9).values;
            if (train.SequenceEqual(eval)) continue;
            flipped++;
            for (int y = 0; y < 9; y++) // each row is the evaluation row mirrored within the image's own columns (2 … 6)
                for (int x = 0; x < 9; x++)
                {
                    int expected = x is >= 2 and <= 6 ? eval[y * 9 + (2 + 6 - x)] : 0;
                    Assert.Equal(expected, train[y * 9 + x]);
                }
        }
        Assert.InRange(flipped, 8, 32);
    }

    [Fact]
    public void PaddingJittersASmallImageAroundTheCentreAndNeverCutsIt()
    {
        var image = Numbered(4, 4);
        var offsets = new HashSet<(int, int)>();
        for (int seed = 0; seed < 200; seed++)
        {
            var (row, col, values) = Place(ClassificationTransforms.Train(image, Augmentation(12, 2, false), new Random(seed)), 12);
            offsets.Add((row - 4, col - 4));
            Assert.Equal(Enumerable.Range(1, 16).Sum(), values.Sum()); // every pixel inside the crop
        }
        Assert.Equal(25, offsets.Count); // every offset in [-2, 2]² around the centred position (4, 4)
        Assert.All(offsets, o => Assert.True(Math.Abs(o.Item1) <= 2 && Math.Abs(o.Item2) <= 2, $"{o}"));
    }

    [Fact]
    public void AnImageAsLargeAsTheCropKeepsTheUsualPaddedRandomCropAndFlip()
    {
        // CIFAR: 32×32 in a 32 crop with padding 4: offsets −4 … 4 in both directions, then a flip of the crop (torchvision's
        // RandomCrop(32, padding=4) + RandomHorizontalFlip), drawn in this order from the sample's generator.
        var image = new RawImage(Enumerable.Range(0, 32 * 32).Select(v => (byte)(1 + v % 250)).ToArray(), 1, 32, 32);
        var seen = new HashSet<(int, int, bool)>();
        for (int seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            int top = random.Next(-4, 5), left = random.Next(-4, 5);
            bool flip = random.Next(2) == 1;
            seen.Add((top, left, flip));
            var output = ClassificationTransforms.Train(image, Augmentation(32, 4, true), new Random(seed)).Select(v => (int)Math.Round(v)).ToArray();
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                {
                    int sy = top + y, sx = left + (flip ? 31 - x : x);
                    int expected = sy is >= 0 and < 32 && sx is >= 0 and < 32 ? image.Pixels[sy * 32 + sx] : 0;
                    Assert.Equal(expected, output[y * 32 + x]);
                }
        }
        Assert.True(seen.Count > 100);
    }
}
