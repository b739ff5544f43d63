using System.Globalization;
using System.Text.RegularExpressions;
using RecallKit.Onnx;
using RecallKit.Tests.Interop;
using RecallKit.Tests.Support;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Docs;

/// <summary>
/// samples/OnnxInference on models exported from seeded random networks and on PNGs written by PIL from known pixels: its
/// numbers equal those of the TorchSharp network it was exported from, fed the same pixels normalised with the training
/// constants; it never loads libtorch; bad input is a one-line error. Seeded weights, hence the collection.
/// </summary>
[Collection(nameof(GlobalTorchState))]
public sealed partial class OnnxSampleTests() : TempDirectoryTest("recallkit-onnx-sample-")
{
    [Fact]
    public async Task TheSegmentationSamplePrintsTheClassSharesOfTorchSharpsArgMax()
    {
        const int width = 80, height = 56;
        var (model, network) = Export(new ExportCase("lite_seg", Architecture.LiteSeg, "rgb"), [4, 3, 64, 64]);
        var rgb = BlockPixels(width, height, 3);
        var image = await WritePng("scene.png", "RGB", width, height, rgb);
        double[] expected;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var input = tensor(Normalised(rgb, SegmentationTransforms.Mean, SegmentationTransforms.Std), [1, 3, height, width]);
            var counts = network.call(input).argmax(1).flatten().bincount(null, InteropCases.Classes);
            expected = counts.data<long>().ToArray().Select(n => 100.0 * n / (width * height)).ToArray();
        }
        network.Dispose();

        var (code, stdout, stderr) = await SampleProgramTests.RunAsync("OnnxInference", model, image);
        Assert.True(code == 0 && stderr.Length == 0, $"exit code {code}: {stderr}");
        var names = InteropCases.ClassesOf(Architecture.LiteSeg).Names;
        var printed = ShareLine().Matches(stdout)
            .Select(m => (Name: m.Groups[2].Value.TrimEnd(), Percent: Parse(m.Groups[1].Value))).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{stdout}expected: {string.Join(", ", expected.Select(p => p.ToString("F3")))}");
        Assert.True(expected.Count(p => p > 0) >= 4, "the network predicts too few classes for the comparison to check much");
        Assert.Equal(printed.Select(p => p.Percent).OrderDescending(), printed.Select(p => p.Percent));
        Assert.Equal(printed.Count, printed.Select(p => p.Name).Distinct().Count());
        Assert.All(printed, p => Assert.Contains(p.Name, names));
        for (int c = 0; c < names.Count; c++)
        {
            double actual = printed.Where(p => p.Name == names[c]).Select(p => p.Percent).DefaultIfEmpty(0).Single();
            Assert.True(Math.Abs(actual - expected[c]) <= 0.1,
                $"{names[c]}: the sample printed {actual:F3} %, TorchSharp's arg-max gives {expected[c]:F3} %");
        }
        Assert.Equal(100, printed.Sum(p => p.Percent), 0.01);
    }

    [Fact]
    public async Task TheClassificationSamplePrintsTorchSharpsTopFiveProbabilities()
    {
        var (model, network) = Export(new ExportCase("small_cnn", Architecture.SmallCnn, "grey"), [4, 1, 28, 28]);
        var grey = BlockPixels(28, 28, 1);
        var image = await WritePng("item.png", "L", 28, 28, grey);
        float[] probabilities;
        long[] classes;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var normalisation = ClassificationDatasets.Augmentation(DatasetKind.FashionMnistLt, flip: false, image_size: null);
            var input = tensor(Normalised(grey, normalisation.Mean, normalisation.Std), [1, 1, 28, 28]);
            var (values, indices) = nn.functional.softmax(network.call(input), 1).topk(5, dim: 1);
            (probabilities, classes) = (values.data<float>().ToArray(), indices.data<long>().ToArray());
        }
        network.Dispose();

        var (code, stdout, stderr) = await SampleProgramTests.RunAsync("OnnxInference", model, image);
        Assert.True(code == 0 && stderr.Length == 0, $"exit code {code}: {stderr}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{stdout}expected: {string.Join(", ", probabilities)}");
        var printed = ProbabilityLine().Matches(stdout)
            .Select(m => (Name: m.Groups[2].Value.TrimEnd(), Probability: Parse(m.Groups[1].Value))).ToList();
        var names = InteropCases.ClassesOf(Architecture.SmallCnn).Names;
        Assert.Equal(classes.Select(c => names[(int)c]), printed.Select(p => p.Name));
        for (int i = 0; i < 5; i++) Assert.Equal(probabilities[i], printed[i].Probability, 1e-4);
        Assert.True(probabilities[0] > 0.2 && probabilities[4] > 0.005,
            "probabilities this far from uniform and from 0 make the comparison meaningful");
    }

    /// <summary>
    /// The sample fails with exit code 3 if its /proc/self/maps names libtorch (the tests above check it exits with 0); this
    /// process, which has run TorchSharp, shows that libtorch's libraries do appear there under that name.
    /// </summary>
    [Fact]
    public void TheSamplesLibtorchCheckRecognisesALoadedLibtorch()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc/self/maps is Linux's");
        using (var scope = NewDisposeScope()) Assert.Equal(2f, ones(2).sum().item<float>());
        Assert.Contains(File.ReadLines("/proc/self/maps"), l => l.Contains("libtorch", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task AMissingModelOrAFileThatIsNotAnImageIsAOneLineErrorNamingTheFile()
    {
        var missing = Path.Combine(dir, "missing.onnx");
        var image = await WritePng("item.png", "L", 28, 28, BlockPixels(28, 28, 1));
        var (code, stdout, stderr) = await SampleProgramTests.RunAsync("OnnxInference", missing, image);
        Assert.Equal(1, code);
        Assert.Equal($"error: {missing} does not exist.", stderr.TrimEnd());
        Assert.Empty(stdout);

        var (model, network) = Export(new ExportCase("small_cnn", Architecture.SmallCnn, "grey"), [4, 1, 28, 28]);
        network.Dispose();
        var notAnImage = Path.Combine(dir, "notes.png");
        await File.WriteAllTextAsync(notAnImage, "not an image", TestContext.Current.CancellationToken);
        (code, stdout, stderr) = await SampleProgramTests.RunAsync("OnnxInference", model, notAnImage);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: cannot decode {notAnImage}: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Empty(stdout);

        (code, _, stderr) = await SampleProgramTests.RunAsync("OnnxInference", model);
        Assert.Equal(2, code);
        Assert.Equal("usage: OnnxInference MODEL.onnx IMAGE", stderr.TrimEnd());
    }

    /// <summary>
    /// A seeded random network with random batch-norm statistics and logits of order 1–10 that depend on the image (no bias,
    /// which alone would pick one class almost everywhere), exported to ONNX.
    /// </summary>
    private (string Path, nn.Module<Tensor, Tensor> Network) Export(ExportCase c, long[] calibration)
    {
        torch.random.manual_seed(5);
        var network = InteropCases.Create(c);
        using (var batch = randn(calibration)) InteropCases.Randomise(network, batch);
        using (no_grad())
        using (var factor = 30.ToScalar())
            foreach (var (key, parameter) in network.named_parameters())
                if (key is "classifier.bias") parameter.zero_();
                else if (key is "classifier.weight" or "scales") parameter.mul_(factor);
        var path = Path.Combine(dir, c.Name + ".onnx");
        OnnxExport.Write(network, OnnxModelInfo.Describe(InteropCases.Config(c), InteropCases.ClassesOf(c.Architecture)), path);
        return (path, network);
    }

    /// <summary>8×8 blocks of one random colour each with ±20 of noise per pixel: regions a network tells apart, interleaved.</summary>
    private static byte[] BlockPixels(int width, int height, int channels)
    {
        var random = new Random(3);
        var blocks = new byte[(width / 8 + 1) * (height / 8 + 1) * channels];
        random.NextBytes(blocks);
        var pixels = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    int block = blocks[((y / 8) * (width / 8 + 1) + x / 8) * channels + c];
                    pixels[(y * width + x) * channels + c] = (byte)Math.Clamp(block + random.Next(-20, 21), 0, 255);
                }
        return pixels;
    }

    /// <summary>Interleaved bytes → CHW floats (v / 255 − mean) / std, computed in double.</summary>
    private static float[] Normalised(byte[] pixels, float[] mean, float[] std)
    {
        int channels = mean.Length, plane = pixels.Length / channels;
        var output = new float[pixels.Length];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < channels; c++)
                output[c * plane + p] = (float)((pixels[p * channels + c] / 255.0 - mean[c]) / std[c]);
        return output;
    }

    /// <summary>Encodes <paramref name="pixels"/> (interleaved, PIL <paramref name="mode"/>) as a PNG with PIL.</summary>
    private async Task<string> WritePng(string name, string mode, int width, int height, byte[] pixels)
    {
        var raw = Path.Combine(dir, name + ".raw");
        var png = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(raw, pixels, TestContext.Current.CancellationToken);
        await PythonPil.RunAsync("""
            import sys
            from PIL import Image
            raw, png, mode, width, height = sys.argv[1:]
            Image.frombytes(mode, (int(width), int(height)), open(raw, "rb").read()).save(png)
            """, raw, png, mode, width.ToString(CultureInfo.InvariantCulture), height.ToString(CultureInfo.InvariantCulture));
        return png;
    }

    private static double Parse(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(\d+\.\d+) %  (.+)$", RegexOptions.Multiline)]
    private static partial Regex ShareLine();

    [GeneratedRegex(@"^(\d\.\d{6})  (.+)$", RegexOptions.Multiline)]
    private static partial Regex ProbabilityLine();
}
