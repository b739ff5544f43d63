using System.Diagnostics;
using RecallKit.Tests.Data.Reference;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Prefetch;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Bench;

/// <summary>
/// <c>bench data</c>: the segmentation data pipeline at Cityscapes resolution — 2048×1024 PNG image and label files written
/// here, random scale 0.5–2.0, 768×768 crops, flips. Reports PNG decode, the training transform (the per-pixel double-precision
/// one it replaced and the row-wise float32 one, interleaved A/B on the same samples and seeds), the pipeline on one core, the
/// data worker processes (1 and 2, each pinned to its own core, interleaved), what the trainer consumes for DeepLabV3+ R18 /
/// R50 on this CPU, and what a GPU consumes by a published PyTorch figure.
/// </summary>
internal static class DataPipelineBenchmark
{
    private const int Width = 2048, Height = 1024, Crop = 768, Classes = 19;

    public static int Run(string[] args, int threads)
    {
        int images = Options.Int(args, "--images", 8);
        int rounds = Options.Int(args, "--rounds", 3);
        int workerEpochs = Options.Int(args, "--worker-epochs", 3);
        var root = Directory.CreateTempSubdirectory("recallkit-bench-cityscapes-").FullName;
        try
        {
            Console.WriteLine($"load at start: {Load()}");
            double pngMegabytes = Write(root, images);
            var dataset = new FolderDataset(root, "train");
            var options = new AugmentationOptions(Crop, Crop, 0.5, 2.0, Flip: true);
            Console.WriteLine();
            Console.WriteLine($"## Data pipeline at Cityscapes resolution ({images} pairs of {Width}×{Height} PNG, mean {pngMegabytes:F2} MB per image file; scale 0.5–2.0, {Crop}×{Crop} crops, flips)");

            var (decode, old, rowwise, inPlace, pngImage, pngLabel, fastImage, inflate, fresh) = SingleCore(dataset, options, images, rounds);
            double Cpu(Timings t) => TrainerSteps.Median(t.Cpu);
            double Wall(Timings t) => TrainerSteps.Median(t.Wall);
            Console.WriteLine();
            Console.WriteLine($"One thread, per image, median of {decode.Cpu.Count} calls: the thread's CPU time (what a core spends, whatever else runs) and wall time:");
            Console.WriteLine();
            Console.WriteLine("| stage | CPU ms/image | images/s per core | wall ms/image |");
            Console.WriteLine("|---|---:|---:|---:|");
            void Row(string stage, double cpu, double wall) => Console.WriteLine($"| {stage} | {cpu:F1} | {1000 / cpu:F1} | {wall:F1} |");
            Row("decode (PNG image + label → RGB bytes, train ids; into the thread's reused buffers, as training batches do)", Cpu(decode), Wall(decode));
            Row("decode into fresh arrays (`Load`, the per-sample API)", Cpu(fresh), Wall(fresh));
            Row("… of which the image PNG → RGB bytes alone (`ImageFiles.ReadRgb`, the fast PNG path)", Cpu(fastImage), Wall(fastImage));
            Row("… … of which zlib inflate of the image's IDAT alone (`ZLibStream`, the bound of any PNG decoder here)", Cpu(inflate), Wall(inflate));
            Row("… of which the label PNG read as raw ids alone (`MaskFiles.Read`)", Cpu(pngLabel), Wall(pngLabel));
            Row("for comparison: ImageSharp 2.1.13's decode of the image PNG (Rgb24), the path before", Cpu(pngImage), Wall(pngImage));
            Row("augment before: per-pixel double transform, its view copied into the batch", Cpu(old), Wall(old));
            Row("augment now: row-wise float32, rendered into the batch slot", Cpu(inPlace), Wall(inPlace));
            Row("augment now, per-sample API (`SegmentationTransforms.Train`, allocates the view)", Cpu(rowwise), Wall(rowwise));
            Row("total with the per-pixel transform (decode + augment before)", Cpu(decode) + Cpu(old), Wall(decode) + Wall(old));
            Row("total now (decode + augment now)", Cpu(decode) + Cpu(inPlace), Wall(decode) + Wall(inPlace));
            var ratios = old.Cpu.Zip(inPlace.Cpu, (o, n) => o / n).ToList();
            Console.WriteLine();
            Console.WriteLine($"Transform speed-up in the batch (A/B on the same samples and seeds, rotating which runs first): **{Cpu(old) / Cpu(inPlace):F1}×** in CPU time " +
                              $"(per-sample ratios {ratios.Min():F1}–{ratios.Max():F1}×), {Wall(old) / Wall(inPlace):F1}× in wall time (target ≥ 4×); " +
                              $"per-sample API {Cpu(old) / Cpu(rowwise):F1}×.");
            Console.WriteLine($"Pipeline on one core: **{1000 / (Cpu(decode) + Cpu(inPlace)):F1} images/s** (target ≥ 25); with the per-pixel transform {1000 / (Cpu(decode) + Cpu(old)):F1}.");
            if (args.Contains("--transform-only")) return 0;

            var rates = Workers(root, workerEpochs);
            Console.WriteLine();
            Console.WriteLine($"Data worker processes (`data.workers`; the real `recallkit data-worker`, each pinned to its own core with taskset, batch 2, {workerEpochs} epochs of {images} images per measurement after a warm-up epoch, K = 1 and 2 alternated twice): images/s the training process receives, and images per CPU-second the workers used (/proc):");
            Console.WriteLine();
            Console.WriteLine("| workers | images/s (each measurement) | images/s per worker | images per worker CPU-second |");
            Console.WriteLine("|---:|---|---:|---:|");
            foreach (var (k, measured) in rates)
                Console.WriteLine($"| {k} | {string.Join(", ", measured.Select(r => r.PerSecond.ToString("F1")))} | {measured.Average(r => r.PerSecond) / k:F1} | {measured.Average(r => r.PerCpuSecond):F1} |");
            double scaling = rates[2].Average(r => r.PerSecond) / rates[1].Average(r => r.PerSecond);
            Console.WriteLine();
            Console.WriteLine($"Scaling 1 → 2 workers: **{scaling:F2}×** in images/s (target ≥ 1.8× on an otherwise idle 2-core machine; load now {Load()}); " +
                              $"CPU cost per image with 2 workers / with 1: {rates[1].Average(r => r.PerCpuSecond) / rates[2].Average(r => r.PerCpuSecond):F2}.");
            Console.WriteLine();
            Console.WriteLine($"What training consumes ({Crop}×{Crop}, batch 2, recall loss, SGD, the trainer's step, {threads} torch threads, median):");
            Console.WriteLine();
            Console.WriteLine("| consumer | s/step (wall) | CPU-s/step | images/s (wall) | images/s if its CPU time were spread over the threads | worker cores to keep up (at the CPU rate above) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            double perWorker = rates[1].Average(r => r.PerCpuSecond);
            var cases = new List<(string, Architecture, int, int)> { ("DeepLabV3+ ResNet-18, this CPU", Architecture.DeepLabV3PlusResNet18, 1, 2) };
            if (!args.Contains("--skip-resnet50")) cases.Add(("DeepLabV3+ ResNet-50, this CPU", Architecture.DeepLabV3PlusResNet50, 1, 2));
            foreach (var (name, architecture, warmup, steps) in cases)
            {
                var cpu = new List<double>();
                using var self = Process.GetCurrentProcess();
                double step = TrainerSteps.Median(TrainerSteps.Measure(new StepCase(architecture, Classes, 2, Crop, Crop), new LossConfig { Kind = LossKind.Recall },
                    new OptimizerConfig { Kind = OptimizerKind.Sgd, LearningRate = 0.01 }, steps, warmup, threads, _ =>
                    {
                        self.Refresh();
                        cpu.Add(self.TotalProcessorTime.TotalSeconds);
                    })) / 1000;
                double cpuStep = TrainerSteps.Median(cpu.Zip(cpu.Skip(1), (a, b) => b - a).Skip(warmup - 1).ToArray()); // the first report has no step before it
                double spread = cpuStep / threads;
                Console.WriteLine($"| {name} | {step:F2} | {cpuStep:F2} | {2 / step:F3} | {2 / spread:F3} | {2 / spread / perWorker:F3} |");
            }
            // mmsegmentation, docs/model_zoo.md "Speed benchmark": DeepLabV3+ ResNet-101V1c, output stride 8, 1024×512 input, batch 2,
            // Tesla V100, PyTorch 1.5: 0.85 s/iter. Scaled to a 768×768 crop by pixels (589,824 / 524,288 = 1.125).
            double gpuStep = 0.85 * (Crop * Crop) / (1024.0 * 512);
            Console.WriteLine($"| DeepLabV3+ ResNet-101 (OS 8), one V100, PyTorch (mmsegmentation speed benchmark: 0.85 s/iter at 1024×512, batch 2; scaled by pixels) | {gpuStep:F2} | – | {2 / gpuStep:F2} | – | {2 / gpuStep / perWorker:F2} |");
            Console.WriteLine();
            Console.WriteLine($"load at end: {Load()}");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>CPU time of the calling thread in ms (CLOCK_THREAD_CPUTIME_ID): what a stage costs on a core, whatever else runs.</summary>
    private static double ThreadCpuMs()
    {
        if (ClockGetTime(3, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + " (1/5/15-min load average)" : "unknown";

    /// <summary>
    /// Street-like images: sky, buildings, road, cars as rectangles of class colours with per-pixel noise (so the PNG is about
    /// as incompressible as a photo), and greyscale train-id labels with some ignore pixels. Returns the mean image file size in MB.
    /// </summary>
    private static double Write(string root, int count)
    {
        var names = Enumerable.Range(0, Classes).Select(i => $"class{i}").ToArray();
        var palette = Enumerable.Range(0, Classes).Select(i => ((byte)(37 * i % 256), (byte)(91 * i % 256), (byte)(173 * i % 256))).ToArray();
        FolderDataset.WriteDescription(root, new DatasetClasses(names, palette, 255));
        Directory.CreateDirectory(Path.Combine(root, "images", "train"));
        Directory.CreateDirectory(Path.Combine(root, "labels", "train"));
        long bytes = 0;
        Parallel.For(0, count, i =>
        {
            var random = new Random(1000 + i);
            var labels = new byte[Width * Height];
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                    labels[y * Width + x] = (byte)(y < Height / 3 ? 10 : y < Height * 2 / 3 ? 2 : 0); // sky, building, road
            for (int r = 0; r < 40; r++)
            {
                int w = random.Next(40, 400), h = random.Next(30, 300), x0 = random.Next(Width - w), y0 = random.Next(Height - h);
                byte id = random.Next(10) == 0 ? (byte)255 : (byte)random.Next(Classes);
                for (int y = y0; y < y0 + h; y++) labels.AsSpan(y * Width + x0, w).Fill(id);
            }
            using var image = new Image<Rgb24>(Width, Height);
            using var label = new Image<L8>(Width, Height);
            image.ProcessPixelRows(label, (pixels, ids) =>
            {
                for (int y = 0; y < Height; y++)
                {
                    var row = pixels.GetRowSpan(y);
                    var idRow = ids.GetRowSpan(y);
                    for (int x = 0; x < Width; x++)
                    {
                        byte id = labels[y * Width + x];
                        var (r, g, b) = id == 255 ? ((byte)0, (byte)0, (byte)0) : palette[id];
                        int shade = y / 16 + random.Next(-12, 13);
                        row[x] = new Rgb24(Clamp(r + shade), Clamp(g + shade), Clamp(b + shade));
                        idRow[x] = new L8(id);
                    }
                }
            });
            var imagePath = Path.Combine(root, "images", "train", $"frame{i:D3}.png");
            image.SaveAsPng(imagePath);
            label.SaveAsPng(Path.Combine(root, "labels", "train", $"frame{i:D3}.png"));
            Interlocked.Add(ref bytes, new FileInfo(imagePath).Length);
        });
        return bytes / (double)count / 1e6;
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);

    /// <summary>Per-call times of one stage: wall clock and the thread's CPU time, ms.</summary>
    private sealed class Timings
    {
        public List<double> Wall { get; } = [];
        public List<double> Cpu { get; } = [];

        public T Time<T>(Func<T> stage)
        {
            double cpu = ThreadCpuMs();
            long start = Stopwatch.GetTimestamp();
            var result = stage();
            Wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Cpu.Add(ThreadCpuMs() - cpu);
            return result;
        }
    }

    /// <summary>One thread: decode, the per-pixel transform and the row-wise one (A/B alternating which goes first).</summary>
    private static (Timings decode, Timings old, Timings rowwise, Timings inPlace, Timings pngImage, Timings pngLabel, Timings fastImage, Timings inflate,
        Timings fresh) SingleCore(FolderDataset dataset, AugmentationOptions options, int images, int rounds)
    {
        var fresh = new Timings();
        var fastImage = new Timings();
        var inflate = new Timings();
        var pngImage = new Timings();
        var pngLabel = new Timings();
        var decode = new Timings();
        var old = new Timings();
        var rowwise = new Timings();
        var inPlace = new Timings();
        var image = new float[3 * Crop * Crop];
        var labels = new long[Crop * Crop];
        // Warm-up: JIT and first touch of both transforms.
        var first = dataset.Load(0);
        PerPixelSegmentationTransforms.Train(first, options, new Random(0), 255);
        SegmentationTransforms.Train(first, options, new Random(0), 255);
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < images; i++)
            {
                fresh.Time(() => dataset.Load(i).Width);
                var sample = decode.Time(() => dataset.Load(i, SampleBuffers.ForThisThread)); // valid until this thread's next buffered load
                string imagePath = dataset.Describe(i).Split(" + ")[0], labelPath = dataset.LabelPath(i);
                pngImage.Time(() =>
                {
                    using var decoded = ImageFiles.LoadRgb(imagePath);
                    return decoded.Width;
                });
                pngLabel.Time(() => RecallKit.Vision.Data.Masks.MaskFiles.Read(labelPath).Width);
                fastImage.Time(() => ImageFiles.ReadRgb(imagePath).width);
                inflate.Time(() => InflateIdat(imagePath));
                int seed = Seeds.Derive(round, i);
                bool oldFirst = (round + i) % 2 == 0;
                for (int order = 0; order < 3; order++)
                    switch ((order + (oldFirst ? 0 : 1)) % 3)
                    {
                        case 0: // before: the per-pixel transform allocated a view, which the batch copied into its slot
                            old.Time(() =>
                            {
                                var (i0, l0) = PerPixelSegmentationTransforms.Train(sample, options, new Random(seed), 255);
                                i0.CopyTo(image, 0);
                                l0.CopyTo(labels, 0);
                                return 0;
                            });
                            break;
                        case 1: // now, in the batch: rendered straight into the sample's slot
                            inPlace.Time(() =>
                            {
                                RowSampler.Render(sample, TrainingView.Draw(sample.Width, sample.Height, options, new Random(seed)), 255, image, labels);
                                return 0;
                            });
                            break;
                        default: // now, the public per-sample API (allocates the view)
                            rowwise.Time(() => SegmentationTransforms.Train(sample, options, new Random(seed), 255));
                            break;
                    }
            }
        return (decode, old, rowwise, inPlace, pngImage, pngLabel, fastImage, inflate, fresh);
    }

    private static readonly MemoryStream Idat = new();
    private static byte[] inflated = [];

    /// <summary>
    /// Reads the file and inflates its IDAT data (all chunks) into one buffer reused across calls: no unfiltering, no pixels, no fresh
    /// allocation — the bound of any PNG decoder built on zlib here. Returns the bytes inflated.
    /// </summary>
    private static int InflateIdat(string path)
    {
        var file = File.ReadAllBytes(path);
        var idat = Idat;
        idat.SetLength(0);
        int height = 0, rowBytes = 0;
        for (int at = 8; at + 12 <= file.Length;)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            if (type == "IHDR")
            {
                int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at + 8));
                height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at + 12));
                rowBytes = 1 + width * 3;
            }
            if (type == "IDAT") idat.Write(file, at + 8, length);
            at += 12 + length;
        }
        if (inflated.Length != rowBytes * height) inflated = new byte[rowBytes * height];
        idat.Position = 0;
        using var zlib = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true);
        zlib.ReadExactly(inflated);
        return inflated.Length;
    }

    /// <summary>Images/s the training process receives from 1 and from 2 pinned worker processes, alternated twice.</summary>
    private static Dictionary<int, List<(double PerSecond, double PerCpuSecond)>> Workers(string root, int epochs)
    {
        var config = new TrainConfig
        {
            Data = new DataConfig
            {
                Kind = DatasetKind.Folder, Root = root, BatchSize = 2, Prefetch = PrefetchMode.On,
                Segmentation = new() { CropWidth = Crop, CropHeight = Crop, ScaleMin = 0.5, ScaleMax = 2.0 },
            },
        };
        var local = SegmentationExperiment.TrainBatches(config, ConfiguredData.Segmentation(config.Data, "train", TextWriter.Null));
        var cli = CliAssembly();
        int started = 0;
        ProcessStartInfo Launcher()
        {
            int core = started++ % Environment.ProcessorCount;
            var info = new ProcessStartInfo("taskset") { UseShellExecute = false };
            foreach (var a in new[] { "-c", core.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", cli, "data-worker" }) info.ArgumentList.Add(a);
            return info;
        }
        var rates = new Dictionary<int, List<(double PerSecond, double PerCpuSecond)>> { [1] = [], [2] = [] };
        using var one = new WorkerBatches(local, Launcher, DataPrefetch.Startup(config), workers: 1);
        using var two = new WorkerBatches(local, Launcher, DataPrefetch.Startup(config), workers: 2);
        foreach (var pool in new[] { one, two })
        {
            started = 0;
            _ = pool.Epoch(0, 0, default).Sum(b => b.Count); // start, JIT, first decode
        }
        for (int repeat = 0; repeat < 2; repeat++)
            foreach (var pool in new[] { one, two })
            {
                double cpu = ChildrenCpuSeconds();
                long start = Stopwatch.GetTimestamp();
                int images = 0;
                for (int epoch = 1; epoch <= epochs; epoch++) images += pool.Epoch(epoch, 0, default).Sum(b => b.Count);
                rates[pool.Workers].Add((images / Stopwatch.GetElapsedTime(start).TotalSeconds, images / (ChildrenCpuSeconds() - cpu)));
            }
        return rates;
    }

    /// <summary>CPU seconds (user + system) the child processes of this one have used so far, from /proc.</summary>
    private static double ChildrenCpuSeconds()
    {
        double total = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            var children = Path.Combine(task, "children");
            if (!File.Exists(children)) continue;
            foreach (var pid in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                try
                {
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the state on: utime and stime are the 12th and 13th
                    total += (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
                }
                catch (IOException)
                {
                    // exited meanwhile
                }
        }
        return total;
    }

    private static string CliAssembly()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RecallKit.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var path = Path.Combine(root, "src", "RecallKit.Cli", "bin", configuration, "net10.0", "RecallKit.Cli.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the CLI first: {path}");
    }
}
