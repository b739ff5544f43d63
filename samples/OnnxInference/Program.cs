// An exported model run from C# with ONNX Runtime: no libtorch. Prints the share of the pixels per predicted class
// (segmentation) or the top-5 classes with their softmax probabilities (classification).
// Usage: dotnet run --project samples/OnnxInference -- model.onnx IMAGE   (model: recallkit export --format onnx; IMAGE: PNG or JPEG)
using System.Globalization;
using RecallKit.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OnnxInference MODEL.onnx IMAGE");
    return 2;
}
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    using var predictor = new OnnxPredictor(args[0]);
    var info = predictor.Info; // the model's 'recallkit' metadata: classes, input normalisation, classifier input size
    var (pixels, height, width) = info.InChannels == 1 ? Load<L8>(args[1], info) : Load<Rgb24>(args[1], info);
    var (logits, shape) = predictor.Run(pixels, [1, info.InChannels, height, width]);
    if (predictor.Segments)
    {
        var counts = new int[info.Classes.Length];
        foreach (int label in OnnxPredictor.PixelClasses(logits, shape, 0)) counts[label]++;
        Console.WriteLine($"{info.Architecture}, {width}×{height} pixels; share of the pixels per predicted class:");
        foreach (int c in Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0).OrderByDescending(c => counts[c]))
            Console.WriteLine($"{100.0 * counts[c] / (width * height),7:F3} %  {info.Classes[c]}");
    }
    else
    {
        double max = logits.Max();
        var exp = logits.Select(v => Math.Exp(v - max)).ToArray(); // softmax without overflow
        double sum = exp.Sum();
        Console.WriteLine($"{info.Architecture}, {info.Classes.Length} classes; top 5 with their probabilities:");
        foreach (int c in Enumerable.Range(0, exp.Length).OrderByDescending(c => exp[c]).Take(5))
            Console.WriteLine($"{exp[c] / sum:F6}  {info.Classes[c]}");
    }
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or ImageFormatException)
{
    // ImageSharp's messages do not name the file (and list its decoders on further lines).
    string message = e is ImageFormatException ? $"cannot decode {args[1]}: {e.Message.Split('\n')[0].Trim()}" : e.Message;
    Console.Error.WriteLine($"error: {message}");
    return 1;
}

// RecallKit.Onnx references TorchSharp (through RecallKit.Vision); nothing above may have loaded its native libraries.
if (OperatingSystem.IsLinux() && File.ReadLines("/proc/self/maps").Any(l => l.Contains("libtorch", StringComparison.OrdinalIgnoreCase)))
{
    Console.Error.WriteLine("error: libtorch was loaded");
    return 3;
}
return 0;

// The image as the network input [C,H,W], normalised as (pixel/255 − mean)/std. A classifier sees it as it was trained:
// resized to its input size, or (image-file datasets) its shorter side resized, then the centre cropped.
static (float[] Pixels, int Height, int Width) Load<TPixel>(string path, OnnxModelInfo info) where TPixel : unmanaged, IPixel<TPixel>
{
    using var image = Image.Load<TPixel>(path);
    if (info.ImageSize is int size && info.ResizeShorter > 0)
    {
        double scale = (double)info.ResizeShorter / Math.Min(image.Width, image.Height);
        int w = (int)Math.Round(image.Width * scale), h = (int)Math.Round(image.Height * scale);
        image.Mutate(x => x.Resize(w, h, KnownResamplers.Triangle).Crop(new Rectangle((w - size) / 2, (h - size) / 2, size, size)));
    }
    else if (info.ImageSize is int side) image.Mutate(x => x.Resize(side, side));
    int channels = info.InChannels, plane = image.Width * image.Height;
    var bytes = new byte[plane * channels];
    image.CopyPixelDataTo(bytes);
    var pixels = new float[bytes.Length];
    for (int p = 0; p < plane; p++)
        for (int c = 0; c < channels; c++)
            pixels[c * plane + p] = (bytes[p * channels + c] / 255f - info.InputMean[c]) / info.InputStd[c];
    return (pixels, image.Height, image.Width);
}
