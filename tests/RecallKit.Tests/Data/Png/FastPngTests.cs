using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Masks;
using RecallKit.Vision.Data.Png;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Data.Png;

/// <summary>
/// The fast PNG path against the samples an independent encoder wrote (Python's zlib with rows filtered here by each filter type,
/// and PIL's own encoder) and against ImageSharp's decode (what the data pipeline read before): byte for byte, for every colour
/// type, filter, odd widths, 1-pixel images and split IDAT data; and files it does not take are read exactly as before.
/// </summary>
public sealed class FastPngTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-fastpng-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>
    /// Writes name.png and name.raw (the samples as stored) for each case: colour types 0, 2, 3 (with and without tRNS), 6; sizes
    /// down to 1×1; rows filtered by a chosen type (each type alone, and all five in turn); IDAT split into 7-byte chunks or one.
    /// </summary>
    private const string FilteredRowsScript = """
        import os, random, struct, sys, zlib
        out = sys.argv[1]
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        def paeth(a, b, c):
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            return a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        def filtered(kind, row, prior, bpp):
            out = bytearray()
            for i in range(len(row)):
                a = row[i - bpp] if i >= bpp else 0
                b = prior[i]
                c = prior[i - bpp] if i >= bpp else 0
                out.append((row[i] - [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]) & 255)
            return bytes(out)
        def write(name, w, h, colour, bpp, samples, filters, palette=None, trns=None, idat=None):
            raw, prior = bytearray(), bytes(w * bpp)
            for y in range(h):
                row = samples[y * w * bpp:(y + 1) * w * bpp]
                raw.append(filters(y))
                raw += filtered(filters(y), row, prior, bpp)
                prior = row
            z = zlib.compress(bytes(raw), 6)
            data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
            if palette: data += chunk(b"PLTE", palette)
            if trns: data += chunk(b"tRNS", trns)
            step = idat or len(z)
            for i in range(0, len(z), step): data += chunk(b"IDAT", z[i:i + step])
            data += chunk(b"IEND", b"")
            open(os.path.join(out, name + ".png"), "wb").write(data)
            open(os.path.join(out, name + ".raw"), "wb").write(bytes(samples))
        rnd = random.Random(7)
        palette = bytes(rnd.randrange(256) for _ in range(3 * 20))
        for colour, bpp in ((0, 1), (2, 3), (3, 1), (6, 4)):
            for w, h in ((1, 1), (7, 5), (33, 12), (2, 9)):
                for f in ("0", "1", "2", "3", "4", "all"):
                    filters = (lambda y: (y + w) % 5) if f == "all" else (lambda y, f=int(f): f)
                    if colour == 3:
                        samples = bytes(rnd.randrange(20) for _ in range(w * h))
                    else:
                        # smooth gradients with noise, so that predictors matter (and ties occur)
                        samples = bytes((x * 9 + y * 5 + c * 40 + rnd.randrange(3)) % 256 for y in range(h) for x in range(w) for c in range(bpp))
                    name = f"c{colour}-{w}x{h}-f{f}"
                    write(name, w, h, colour, bpp, samples, filters, palette if colour == 3 else None, idat=7 if f == "all" else None)
                    if colour == 3:
                        write(name + "-trns", w, h, colour, bpp, samples, filters, palette, trns=bytes([0, 128, 255, 7]))
        # Adam7-interlaced RGB, filter None (left to ImageSharp)
        w, h = 11, 9
        samples = bytes((x * 20 + y * 3 + c) % 256 for y in range(h) for x in range(w) for c in range(3))
        raw = bytearray()
        for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
            for y in range(y0, h, dy):
                xs = range(x0, w, dx)
                if len(xs) == 0: continue
                raw.append(0)
                for x in xs: raw += samples[(y * w + x) * 3:(y * w + x) * 3 + 3]
        data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")
        open(os.path.join(out, "interlaced.png"), "wb").write(data)
        open(os.path.join(out, "interlaced.raw"), "wb").write(samples)
        # RGBA labels that are opaque (colours) and one that is not (refused, naming the pixel)
        opaque = bytes(v for y in range(3) for x in range(4) for v in (x * 50, y * 60, 7, 255))
        write("opaque-rgba", 4, 3, 6, 4, opaque, lambda y: 4)
        write("transparent-rgba", 4, 3, 6, 4, opaque[:4 * 6] + bytes([1, 2, 3, 0]) + opaque[4 * 7:], lambda y: 1)
        """;

    /// <summary>PIL's own encoder (its adaptive filtering, optimize, a palette with transparency, RGBA with alpha) and files the fast path leaves to ImageSharp.</summary>
    private const string PilScript = """
        import random, sys
        from PIL import Image
        out = sys.argv[1]
        rnd = random.Random(3)
        def noise(mode, w, h, channels):
            return Image.frombytes(mode, (w, h), bytes((x * 3 + y * 2 + rnd.randrange(40)) % 256 for y in range(h) for x in range(w) for _ in range(channels)))
        noise("RGB", 257, 31, 3).save(f"{out}/pil-rgb.png")
        noise("RGB", 129, 17, 3).save(f"{out}/pil-rgb-optimized.png", optimize=True)
        noise("RGB", 65, 9, 3).save(f"{out}/pil-rgb-stored.png", compress_level=0)
        noise("RGBA", 101, 13, 4).save(f"{out}/pil-rgba.png")
        noise("L", 99, 21, 1).save(f"{out}/pil-l.png")
        p = noise("L", 45, 11, 1).point(lambda v: v % 16).convert("P")
        p.putpalette([(i * 37) % 256 for i in range(768)])  # 256 colours: 8-bit indices
        p.save(f"{out}/pil-p-trns.png", transparency=3)
        noise("L", 33, 7, 1).convert("1").save(f"{out}/pil-1bit.png")
        Image.frombytes("I;16", (9, 5), bytes(rnd.randrange(256) for _ in range(90))).save(f"{out}/pil-16bit.png")
        noise("LA", 17, 5, 2).save(f"{out}/pil-la.png")
        """;

    private static byte[] ExpectedRgb(string name, byte[] samples)
    {
        if (name.StartsWith("c2-", StringComparison.Ordinal)) return samples;
        if (name.StartsWith("c6-", StringComparison.Ordinal)) return samples.Where((_, i) => i % 4 != 3).ToArray();
        if (name.StartsWith("c0-", StringComparison.Ordinal)) return samples.SelectMany(v => new[] { v, v, v }).ToArray();
        return [];
    }

    private static byte[] ImageSharpRgb(string path)
    {
        using var image = ImageFiles.LoadRgb(path);
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        return rgb;
    }

    [Fact]
    public async Task EveryColourTypeFilterAndSizeDecodesToTheEncodersSamplesAndToImageSharpsPixels()
    {
        await Support.PythonPil.RunAsync(FilteredRowsScript, dir);
        var files = Directory.GetFiles(dir, "c*.png").Order().ToArray();
        Assert.Equal(4 * 4 * 6 + 4 * 6, files.Length);
        foreach (var path in files)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            var samples = File.ReadAllBytes(Path.ChangeExtension(path, ".raw"));
            Assert.True(PngRgbDecoder.TryDecode(File.ReadAllBytes(path), out var fast, out _, out _), $"{name}: not on the fast path");
            var (rgb, width, height) = ImageFiles.ReadRgb(path);
            Assert.Equal(fast, rgb);
            var imageSharp = ImageSharpRgb(path);
            Assert.True(imageSharp.AsSpan().SequenceEqual(rgb), $"{name}: differs from ImageSharp's pixels");
            if (!name.StartsWith("c3-", StringComparison.Ordinal)) Assert.Equal(ExpectedRgb(name, samples), rgb);
            Assert.Equal(rgb.Length, width * height * 3);

            if (name.StartsWith("c6-", StringComparison.Ordinal))
            {
                Assert.Null(PngLabelDecoder.TryRead(File.ReadAllBytes(path))); // alpha below 255: refused by the general path
                continue;
            }
            var general = MaskFiles.ReadGenerally(path);
            var label = MaskFiles.Read(path);
            AssertSameMask(general, label);
            if (name.StartsWith("c0-", StringComparison.Ordinal) || name.StartsWith("c3-", StringComparison.Ordinal))
                Assert.Equal(samples.Select(v => (int)v), label.Values);
        }
    }

    [Fact]
    public async Task AnInterlacedImageIsLeftToImageSharp()
    {
        await Support.PythonPil.RunAsync(FilteredRowsScript, dir);
        var path = Path.Combine(dir, "interlaced.png");
        Assert.False(PngRgbDecoder.TryDecode(File.ReadAllBytes(path), out _, out _, out _));
        Assert.Null(PngLabelDecoder.TryRead(File.ReadAllBytes(path)));
        var expected = File.ReadAllBytes(Path.ChangeExtension(path, ".raw"));
        Assert.Equal(expected, ImageSharpRgb(path));
        Assert.Equal(expected, ImageFiles.ReadRgb(path).rgb);
    }

    [Fact]
    public async Task RgbaLabelsAreReadAsColoursWhenOpaqueAndRefusedNamingTheTransparentPixel()
    {
        await Support.PythonPil.RunAsync(FilteredRowsScript, dir);
        var opaque = Path.Combine(dir, "opaque-rgba.png");
        Assert.NotNull(PngLabelDecoder.TryRead(File.ReadAllBytes(opaque)));
        var mask = MaskFiles.Read(opaque);
        Assert.Equal(MaskEncoding.Rgb, mask.Encoding);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (i % 4 * 50 << 16) | (i / 4 * 60 << 8) | 7), mask.Values);
        Assert.Equal(MaskFiles.ReadGenerally(opaque).Values, mask.Values);
        var transparent = Path.Combine(dir, "transparent-rgba.png");
        var e = Assert.Throws<InvalidDataException>(() => MaskFiles.Read(transparent));
        Assert.Contains($"label {transparent} has a transparent pixel at (2,1) (alpha 0)", e.Message);
    }

    [Fact]
    public async Task PilsOwnEncoderGivesImageSharpsPixelsAndUncommonFormatsAreLeftToImageSharp()
    {
        await Support.PythonPil.RunAsync(PilScript, dir);
        var fastFormats = new[] { "pil-rgb", "pil-rgb-optimized", "pil-rgb-stored", "pil-rgba", "pil-l", "pil-p-trns" };
        foreach (var path in Directory.GetFiles(dir, "*.png").Order())
        {
            string name = Path.GetFileNameWithoutExtension(path);
            Assert.True(fastFormats.Contains(name) == PngRgbDecoder.TryDecode(File.ReadAllBytes(path), out _, out _, out _),
                $"{name}: expected {(fastFormats.Contains(name) ? "on" : "off")} the fast path");
            Assert.True(ImageSharpRgb(path).AsSpan().SequenceEqual(ImageFiles.ReadRgb(path).rgb), $"{name}: differs from ImageSharp's pixels");
        }
        foreach (var name in new[] { "pil-p-trns", "pil-l", "pil-rgb", "pil-rgb-stored" })
        {
            var path = Path.Combine(dir, name + ".png");
            Assert.NotNull(PngLabelDecoder.TryRead(File.ReadAllBytes(path)));
            AssertSameMask(MaskFiles.ReadGenerally(path), MaskFiles.Read(path));
        }
    }

    private static void AssertSameMask(LabelMask expected, LabelMask actual)
    {
        Assert.Equal((expected.Width, expected.Height, expected.Encoding), (actual.Width, actual.Height, actual.Encoding));
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.Palette, actual.Palette);
    }

    [Theory]
    [InlineData(PngFilterMethod.None)]
    [InlineData(PngFilterMethod.Sub)]
    [InlineData(PngFilterMethod.Up)]
    [InlineData(PngFilterMethod.Average)]
    [InlineData(PngFilterMethod.Paeth)]
    [InlineData(PngFilterMethod.Adaptive)]
    public void ImageSharpsEncoderWithEachFilterRoundTripsOnTheFastPath(PngFilterMethod filter)
    {
        var random = new Random((int)filter);
        foreach (var (width, height) in new[] { (1, 1), (31, 7), (64, 3), (5, 40) })
        {
            var pixels = Enumerable.Range(0, width * height).Select(i => new Rgba32((byte)(i * 7 + random.Next(9)), (byte)(i / width * 13), (byte)random.Next(256), (byte)random.Next(256))).ToArray();
            using var image = Image.LoadPixelData(pixels, width, height);
            foreach (var colour in new[] { PngColorType.Rgb, PngColorType.RgbWithAlpha, PngColorType.Grayscale, PngColorType.Palette })
            {
                var path = Path.Combine(dir, $"is-{filter}-{colour}-{width}x{height}.png");
                image.SaveAsPng(path, new PngEncoder { FilterMethod = filter, ColorType = colour, BitDepth = PngBitDepth.Bit8 });
                Assert.True(PngRgbDecoder.TryDecode(File.ReadAllBytes(path), out var fast, out int w, out int h), $"{path}: not on the fast path");
                Assert.Equal((width, height), (w, h));
                Assert.True(ImageSharpRgb(path).AsSpan().SequenceEqual(fast), $"{path}: differs from ImageSharp's pixels");
                if (colour == PngColorType.Rgb)
                    Assert.Equal(pixels.SelectMany(p => new[] { p.R, p.G, p.B }), fast);
            }
        }
    }
}
