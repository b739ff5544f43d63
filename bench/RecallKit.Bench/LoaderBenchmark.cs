using System.Diagnostics;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Synthetic;

namespace RecallKit.Bench;

/// <summary><c>bench loader</c>: the segmentation loader's throughput against LiteSeg's training throughput.</summary>
internal static class LoaderBenchmark
{
    public static void Run(double liteSegImagesPerSecond)
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
}
