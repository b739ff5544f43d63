using System.Diagnostics;
using System.Text.Json;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Models;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Training;

namespace RecallKit.Bench;

/// <summary>
/// <c>bench distributed</c>: the same training (synthetic scenes, recall loss, global batch 8) as 1 process × 2 threads and as
/// 2 MPI ranks × 1 thread, in one run: images/s of the training steps (evaluation excluded), and per step the time rank 0
/// spends in all-reduces (gradient buckets, recall counts, SyncBatchNorm statistics) and the bytes it contributes.
/// </summary>
internal static class DistributedBenchmark
{
    private sealed record Measurement(int ranks, int threads, double images_per_second, double allreduce_ms, double allreduce_mib, double calls);

    public static int Run(string[] args)
    {
        var mpirun = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        if (mpirun is null)
        {
            Console.Error.WriteLine("mpirun (Open MPI) is not installed: apt-get install openmpi-bin libopenmpi-dev");
            return 2;
        }
        int steps = Options.Int(args, "--steps", 30);
        var work = Directory.CreateTempSubdirectory("recallkit-bench-mpi-").FullName;
        try
        {
            Console.WriteLine($"# data-parallel training — {Environment.ProcessorCount} cores, synthetic scenes 256×128, recall loss, global batch 8, {steps} steps, evaluation excluded");
            Console.WriteLine("| model | run | images/s | all-reduce ms/step | all-reduce MiB/step | calls/step |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|");
            foreach (var architecture in new[] { Architecture.LiteSeg, Architecture.DeepLabV3PlusResNet18 })
            {
                foreach (bool syncBn in new[] { false, true })
                {
                    var single = Launch(null, work, architecture, steps, threads: 2, syncBn);
                    var ranks = Launch(mpirun, work, architecture, steps, threads: 1, syncBn);
                    string model = architecture == Architecture.LiteSeg ? "LiteSeg" : "DeepLabV3+ R18";
                    string sync = syncBn ? ", sync_bn" : "";
                    Console.WriteLine($"| {model}{sync} | 1 process × 2 threads | {single.images_per_second:F1} | – | – | – |");
                    Console.WriteLine($"| {model}{sync} | 2 ranks × 1 thread | {ranks.images_per_second:F1} | {ranks.allreduce_ms:F2} | {ranks.allreduce_mib:F2} | {ranks.calls:F0} |");
                }
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Measurement Launch(string? mpirun, string work, Architecture architecture, int steps, int threads, bool syncBn)
    {
        var self = typeof(DistributedBenchmark).Assembly.Location;
        var info = new ProcessStartInfo(mpirun ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (mpirun is not null)
            foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe", "-np", "2", "-x", "OMPI_MCA_mpi_yield_when_idle=1", "dotnet" }) info.ArgumentList.Add(a);
        foreach (var a in new[] { self, "distributed-rank", work, architecture.ToString(), steps.ToString(), threads.ToString(), syncBn.ToString() }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // mpirun may put terminal control sequences before the first line
        var line = stdout.Split('\n').FirstOrDefault(l => l.Contains("RESULT ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"the benchmark run failed (exit {process.ExitCode}): {stdout}\n{stderr.Result}");
        return JsonSerializer.Deserialize<Measurement>(line[(line.IndexOf("RESULT ", StringComparison.Ordinal) + "RESULT ".Length)..])!;
    }

    /// <summary>One rank (or the single process): trains and, on rank 0, prints <c>RESULT {json}</c>.</summary>
    public static int Rank(string[] args)
    {
        using var distributed = DistributedTensors.Start();
        string work = args[1];
        var architecture = Enum.Parse<Architecture>(args[2]);
        int steps = int.Parse(args[3]), threads = int.Parse(args[4]);
        bool syncBn = bool.Parse(args[5]);
        var output = Path.Combine(work, $"run-{architecture}-{distributed.Size}-{syncBn}");
        var config = new TrainConfig
        {
            Output = output,
            Threads = threads,
            Data = new DataConfig
            {
                Root = Path.Combine(work, "data"), BatchSize = 8, Segmentation = new() { CropWidth = 256, CropHeight = 128 }, Synthetic = new() { Train = 64, Val = 2 },
                Prefetch = PrefetchMode.Off,
            },
            Model = new ModelConfig { Architecture = architecture, SyncBn = syncBn },
            Loss = new LossConfig { Kind = LossKind.Recall },
            Schedule = new ScheduleConfig { Iterations = steps, EvalEvery = 0, LogEvery = steps, CheckpointEvery = steps },
        };
        var result = Experiment.Train(config, resume: false, TextWriter.Null, distributed: distributed);
        if (distributed.Rank == 0)
        {
            double perStep = result.Steps;
            Console.WriteLine("RESULT " + JsonSerializer.Serialize(new Measurement(distributed.Size, threads,
                result.Steps * (double)config.Data.BatchSize / result.StepTime.TotalSeconds,
                result.StepTraffic.Elapsed.TotalMilliseconds / perStep, result.StepTraffic.Bytes / perStep / (1 << 20), result.StepTraffic.Calls / perStep)));
        }
        return 0;
    }
}
