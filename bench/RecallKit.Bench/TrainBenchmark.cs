using System.Diagnostics;
using RecallKit.Losses;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Synthetic;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary>Training throughput of the segmentation models, loader throughput, and resident memory over many steps.</summary>
internal static class TrainBenchmark
{
    private sealed record Setup(string Name, Architecture Architecture, int Batch, int Height, int Width, int Warmup, int Steps);

    private static readonly Setup[] Setups =
    [
        new("LiteSeg", Architecture.LiteSeg, 8, 96, 192, 5, 30),
        new("DeepLabV3+ ResNet18", Architecture.DeepLabV3PlusResNet18, 4, 256, 512, 1, 4),
        new("DeepLabV3+ ResNet50", Architecture.DeepLabV3PlusResNet50, 4, 256, 512, 1, 3),
    ];

    private sealed record ClassifierSetup(string Name, Architecture Architecture, int Classes, int Channels, int Batch, int Size, int Warmup, int Steps);

    private static readonly ClassifierSetup[] ClassifierSetups =
    [
        new("small CNN (Fashion-MNIST-LT)", Architecture.SmallCnn, 10, 1, 128, 28, 3, 20),
        new("ResNet-32 (CIFAR-LT)", Architecture.ResNet32Cifar, 100, 3, 128, 32, 1, 5),
        new("ResNet-50, 8,142 classes (iNaturalist)", Architecture.ResNet50, 8142, 3, 32, 224, 1, 2),
    ];

    /// <summary>Classifier training steps with EMA recall (α = 0.001 as the paper's iNaturalist run); <paramref name="largest"/> = false skips ResNet-50.</summary>
    public static void Classification(bool largest, int resnet50Batch = 32)
    {
        Console.WriteLine();
        Console.WriteLine("## Classification training step (forward + EMA recall loss + backward + SGD), random data");
        Console.WriteLine();
        Console.WriteLine("| model | classes | batch | input | s/step | images/s |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|");
        foreach (var setup in ClassifierSetups.Where(s => largest || s.Architecture != Architecture.ResNet50))
        {
            var s = setup.Architecture == Architecture.ResNet50 ? setup with { Batch = resnet50Batch } : setup;
            using var model = RecallKit.Vision.Models.Classification.ClassificationModels.Create(s.Architecture, s.Classes, s.Channels, decoupled: false);
            using var loss = new RecallCrossEntropy(s.Classes, ema_alpha: 0.001);
            using var optimizer = optim.SGD(model.parameters(), 0.01, 0.9);
            var x = randn(s.Batch, s.Channels, s.Size, s.Size);
            var y = randint(0, s.Classes, new long[] { s.Batch }, dtype: ScalarType.Int64);
            var watch = new Stopwatch();
            for (int i = 0; i < s.Warmup + s.Steps; i++)
            {
                if (i == s.Warmup) watch.Start();
                Step(model, loss, optimizer, x, y);
            }
            double perStep = watch.Elapsed.TotalSeconds / s.Steps;
            Console.WriteLine($"| {s.Name} | {s.Classes:N0} | {s.Batch} | {s.Size}×{s.Size} | {perStep:F3} | {s.Batch / perStep:F1} |");
        }
    }

    /// <summary>
    /// The classifier head at iNaturalist size — features [128, 2048] → fc → loss, forward and backward — with cross-entropy
    /// and with EMA recall (α = 0.001), interleaved; the ratio of medians is the loss's cost where it is actually used.
    /// </summary>
    public static void InaturalistHead(int repeats)
    {
        using var fc = nn.Linear(2048, 8142);
        using var recall = new RecallCrossEntropy(8142, ema_alpha: 0.001);
        var generator = new Generator(5);
        var features = randn(new long[] { 128, 2048 }, generator: generator);
        var target = randint(0, 8142, new long[] { 128 }, dtype: ScalarType.Int64, generator: generator);
        double Time(Func<Tensor, Tensor> loss)
        {
            using var scope = NewDisposeScope();
            fc.zero_grad();
            var watch = Stopwatch.StartNew();
            loss(fc.call(features)).backward();
            return watch.Elapsed.TotalMilliseconds;
        }
        var ce = new List<double>();
        var rc = new List<double>();
        for (int i = 0; i < repeats + 2; i++)
        {
            double a = Time(x => nn.functional.cross_entropy(x, target)), b = Time(x => recall.call(x, target));
            if (i >= 2) { ce.Add(a); rc.Add(b); }
        }
        double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        Console.WriteLine();
        Console.WriteLine($"8,142-class head (fc 2048→8142 + loss, forward + backward, batch 128, median of {repeats}): " +
            $"cross-entropy {Median(ce):F1} ms, EMA recall {Median(rc):F1} ms, ratio {Median(rc) / Median(ce):F2}×");
    }

    public static Dictionary<string, double> Train()
    {
        Console.WriteLine();
        Console.WriteLine("## Training step (forward + recall loss + backward + Adam), random data");
        Console.WriteLine();
        Console.WriteLine("| model | batch | input | s/step | images/s |");
        Console.WriteLine("|---|---:|---|---:|---:|");
        var rates = new Dictionary<string, double>();
        foreach (var s in Setups)
        {
            using var model = SegmentationModels.Create(s.Architecture, 19);
            using var loss = new RecallCrossEntropy(19, ignore_index: 255);
            using var optimizer = optim.Adam(model.parameters(), 1e-3);
            var x = randn(s.Batch, 3, s.Height, s.Width);
            var y = randint(0, 19, new long[] { s.Batch, s.Height, s.Width }, dtype: ScalarType.Int64);
            var watch = new Stopwatch();
            for (int i = 0; i < s.Warmup + s.Steps; i++)
            {
                if (i == s.Warmup) watch.Start();
                Step(model, loss, optimizer, x, y);
            }
            double perStep = watch.Elapsed.TotalSeconds / s.Steps;
            rates[s.Name] = s.Batch / perStep;
            Console.WriteLine($"| {s.Name} | {s.Batch} | {s.Height}×{s.Width} | {perStep:F3} | {s.Batch / perStep:F1} |");
        }
        return rates;
    }

    public static void Data(double liteSegImagesPerSecond)
    {
        var root = Directory.CreateTempSubdirectory("recallkit-bench-data-").FullName;
        try
        {
            SyntheticScenes.Generate(root, 96, 1, 192, 96, 1);
            var batches = new DatasetBatches(new FolderDataset(root, "train"), 8, new AugmentationOptions(192, 96, 0.75, 1.25), 0);
            _ = batches.Epoch(0, 0, default).First();
            var watch = Stopwatch.StartNew();
            int images = 0;
            for (int epoch = 1; epoch <= 3; epoch++)
                foreach (var batch in batches.Epoch(epoch, 0, default)) images += batch.Count;
            double rate = images / watch.Elapsed.TotalSeconds;
            Console.WriteLine();
            Console.WriteLine("## Loader (decode PNG + scale/crop/flip + normalise, 192×96, batch 8)");
            Console.WriteLine();
            Console.WriteLine("| loader images/s | LiteSeg training images/s | ratio |");
            Console.WriteLine("|---:|---:|---:|");
            Console.WriteLine($"| {rate:F0} | {liteSegImagesPerSecond:F1} | {rate / liteSegImagesPerSecond:F1}× |");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>RSS over <paramref name="steps"/> training steps and as many evaluation batches; <paramref name="deeplab"/> uses DeepLabV3+ ResNet-18 at batch 2, 128×256.</summary>
    public static void Memory(int steps, bool deeplab = false)
    {
        var (architecture, name, batch, height, width) = deeplab
            ? (Architecture.DeepLabV3PlusResNet18, "DeepLabV3+ ResNet-18", 2, 128, 256)
            : (Architecture.LiteSeg, "LiteSeg", 8, 96, 192);
        using var model = SegmentationModels.Create(architecture, 10);
        using var loss = new RecallCrossEntropy(10, ema_alpha: 0.9, ignore_index: 255);
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        var samples = new List<(int step, double mb)>();
        var managed = new List<double>();
        var generator = new Generator(1);
        for (int i = 1; i <= steps; i++)
        {
            using (var scope = NewDisposeScope())
            {
                var x = randn(new long[] { batch, 3, height, width }, generator: generator);
                var y = randint(0, 10, new long[] { batch, height, width }, dtype: ScalarType.Int64, generator: generator);
                Step(model, loss, optimizer, x, y);
            }
            if (i % (steps / 10) == 0 || i == 100)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                samples.Add((i, Process.GetCurrentProcess().WorkingSet64 / 1048576.0));
                managed.Add(GC.GetTotalMemory(false) / 1048576.0);
            }
        }
        double at100 = samples.First(s => s.step == 100).mb, last = samples[^1].mb;
        Console.WriteLine();
        Console.WriteLine($"## Resident memory over {steps} {name} training steps (batch {batch}, {height}×{width}, EMA recall)");
        Console.WriteLine();
        Console.WriteLine("| step | RSS (MB) | managed heap (MB) |");
        Console.WriteLine("|---:|---:|---:|");
        for (int k = 0; k < samples.Count; k++) Console.WriteLine($"| {samples[k].step} | {samples[k].mb:F0} | {managed[k]:F1} |");
        Console.WriteLine();
        Console.WriteLine($"Growth from step 100 to step {steps}: {100 * (last - at100) / at100:+0.0;-0.0} %");
        EvaluationMemory(model, steps, name, batch, height, width);
    }

    /// <summary>RSS while evaluating <paramref name="batches"/> batches (forward without gradients, arg-max, confusion matrix): what eval and predict do per image.</summary>
    private static void EvaluationMemory(nn.Module<Tensor, Tensor> model, int batches, string name, int batch, int height, int width)
    {
        var samples = new List<(int batch, double mb)>();
        var source = new RandomBatches(batches, batch, height, width, 10);
        int seen = 0;
        var progress = new Action<int>(b =>
        {
            if (b % (batches / 10) == 0 || b == 100)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                samples.Add((b, Process.GetCurrentProcess().WorkingSet64 / 1048576.0));
            }
        });
        source.AfterBatch = () => progress(++seen);
        using var matrix = RecallKit.Vision.Training.SegmentationEvaluator.Evaluate(model, source, 10, 255, CPU);
        progress(++seen);
        double at100 = samples.First(s => s.batch == 100).mb, last = samples[^1].mb;
        Console.WriteLine();
        Console.WriteLine($"## Resident memory over {batches} evaluation batches ({name}, batch {batch}, {height}×{width}: forward, arg-max, confusion matrix)");
        Console.WriteLine();
        Console.WriteLine("| batch | RSS (MB) |");
        Console.WriteLine("|---:|---:|");
        foreach (var (index, mb) in samples) Console.WriteLine($"| {index} | {mb:F0} |");
        Console.WriteLine();
        Console.WriteLine($"Growth from batch 100 to batch {batches}: {100 * (last - at100) / at100:+0.0;-0.0} %");
    }

    /// <summary>Random images and labels, one batch at a time (the previous batch is garbage once the evaluator moves on).</summary>
    private sealed class RandomBatches(int count, int batch, int height, int width, int classes) : RecallKit.Vision.Data.IBatchSource
    {
        public Action? AfterBatch { get; set; }

        public int BatchesPerEpoch => count;

        public IEnumerable<RecallKit.Vision.Data.ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
        {
            var random = new Random(3);
            var images = new float[batch * 3 * height * width];
            var labels = new long[batch * height * width];
            for (int b = startBatch; b < count; b++)
            {
                for (int i = 0; i < images.Length; i++) images[i] = (float)random.NextDouble();
                for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(classes);
                if (b > startBatch) AfterBatch?.Invoke();
                yield return new RecallKit.Vision.Data.ImageBatch(images, labels, batch, height, width, []);
            }
        }
    }

    private static void Step(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> loss, optim.Optimizer optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var value = loss.call(model.call(x), y);
        optimizer.zero_grad();
        value.backward();
        optimizer.step();
    }
}
