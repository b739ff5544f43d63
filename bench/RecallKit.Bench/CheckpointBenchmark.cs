using System.Diagnostics;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary>
/// Peak resident memory of writing and reading a large checkpoint (DeepLabV3+ R101 with SGD momentum): sections are streamed to
/// the file and hashed by reading the file back in 1 MB chunks, so the peak above the resident set before the save should be far below the file size.
/// </summary>
internal static class CheckpointBenchmark
{
    public static void Run()
    {
        using var model = SegmentationModels.Create(Architecture.DeepLabV3PlusResNet101, 19);
        using var optimizer = optim.SGD(model.parameters(), 0.01, 0.9);
        using (var scope = NewDisposeScope())
        {
            // One step creates the momentum buffers, so the optimiser state is as large as the model.
            var output = model.call(randn(2, 3, 128, 128));
            nn.functional.cross_entropy(output, randint(0, 19, [2, 128, 128])).backward();
            optimizer.step();
        }
        var path = Path.Combine(Path.GetTempPath(), $"recallkit-bench-{Environment.ProcessId}.ckpt");
        try
        {
            var checkpoint = new Checkpoint();
            checkpoint.SetText(RunCheckpoint.Config, "{}");
            checkpoint.Set(RunCheckpoint.Model, w => model.save(w));
            checkpoint.Set(RunCheckpoint.Optimizer, w => optimizer.save_state_dict(w));
            GC.Collect();
            long before = ResetPeak();
            var watch = Stopwatch.StartNew();
            checkpoint.Save(path);
            var saveTime = watch.Elapsed;
            long savePeak = Peak() - before;
            long size = new FileInfo(path).Length;

            GC.Collect();
            before = ResetPeak();
            watch.Restart();
            using (var loaded = Checkpoint.Load(path))
            {
                loaded.Read(RunCheckpoint.Model, r => model.load(r));
                loaded.Read(RunCheckpoint.Optimizer, r => optimizer.load_state_dict(r));
            }
            var loadTime = watch.Elapsed;
            long loadPeak = Peak() - before;
            Console.WriteLine();
            Console.WriteLine("## Checkpoint write and read (DeepLabV3+ R101, 19 classes, SGD with momentum)");
            Console.WriteLine();
            Console.WriteLine("| operation | file size | peak RSS above the RSS before | time |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine($"| save (stream + SHA-256 + fsync + rename) | {size / 1e6:F0} MB | {savePeak / 1e6:F0} MB | {saveTime.TotalSeconds:F2} s |");
            Console.WriteLine($"| load (verify + read model and optimiser) | {size / 1e6:F0} MB | {loadPeak / 1e6:F0} MB | {loadTime.TotalSeconds:F2} s |");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Resets the kernel's high-water mark of resident memory (Linux ≥ 4.0) and returns the current resident set.</summary>
    private static long ResetPeak()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Status("VmRSS");
    }

    private static long Peak() => Status("VmHWM");

    private static long Status(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
