using System.Diagnostics;
using System.Text.Json;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Reports;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary>
/// Data-parallel training with real processes: the helper RecallKit.MpiRank trains a model (BatchNorm-free, or with
/// <c>model.sync_bn</c>) once alone and once as two ranks of <c>mpirun</c> (Open MPI; skipped when it is not installed — CI installs it).
/// </summary>
public sealed class DistributedTrainingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-mpi-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private sealed record Result(int ranks, int iterations, double[] weights, long[][] counts, double[] sharded, double[] whole, double bytes_per_step);

    [Theory]
    [InlineData("recall", "plain")]
    [InlineData("cross_entropy", "plain")]
    // Seesaw: cum_samples summed over the ranks before the loss, gradients weighted by each rank's valid positions.
    [InlineData("seesaw", "plain")]
    // BatchNorm with model.sync_bn (weights within 3.6e-6). Runs with oneDNN limited to AVX2 (Support/OneDnnIsaPin): its AVX-512
    // convolution backward gave random NaN gradients on the CI machine, which made this case flaky (docs/errors.md).
    [InlineData("recall", "liteseg")]
    // The classification path (one label per image, top-5 counts) on the small CNN with model.sync_bn.
    [InlineData("recall", "smallcnn")]
    // A combined loss (CE + 0.5·focal, both means over the valid pixels): it declares how its shards combine (IShardedLoss),
    // so it is weighted by each rank's valid pixels instead of averaging the ranks.
    [InlineData("ce+focal", "plain")]
    public void TwoRanksOfFourImagesEqualOneProcessOfEightImages(string loss, string model)
    {
        var mpirun = MpiRun();
        var single = Train(null, "single", loss, model);
        var ranks = Train(mpirun, "mpi", loss, model);

        Assert.Equal(1, single.ranks);
        Assert.Equal(2, ranks.ranks);
        Assert.Equal(20, ranks.iterations);
        Assert.Equal(single.weights.Length, ranks.weights.Length);
        double scale = single.weights.Max(Math.Abs);
        for (int i = 0; i < single.weights.Length; i++)
            Assert.True(Math.Abs(single.weights[i] - ranks.weights[i]) <= 1e-5 * Math.Max(Math.Abs(single.weights[i]), 1e-2 * scale),
                $"weight {i}: {single.weights[i]} alone, {ranks.weights[i]} with 2 ranks");
        if (loss == "seesaw")
        {
            Assert.Equal(20, ranks.counts.Length);
            Assert.Equal(single.counts.Length, ranks.counts.Length);
            for (int step = 0; step < single.counts.Length; step++)
                Assert.Equal(single.counts[step], ranks.counts[step]); // each step's class counts of the whole batch, added to cum_samples
        }
        if (loss == "recall")
        {
            Assert.Equal(20, single.counts.Length);
            Assert.Equal(single.counts.Length, ranks.counts.Length);
            for (int step = 0; step < single.counts.Length; step++)
                Assert.Equal(single.counts[step], ranks.counts[step]); // the global counts of the whole batch, exactly
        }
        if (loss == "ce+focal")
        {
            // Each term's logged value is combined over the ranks as the loss is: the same as one process's, and Σ weight · term = loss.
            var alone = CsvTable.Read(Path.Combine(dir, "single", "train_log.csv"));
            var shared = CsvTable.Read(Path.Combine(dir, "mpi", "train_log.csv"));
            foreach (var column in new[] { "loss", "loss/0_cross_entropy", "loss/1_focal" })
                Tensors.AllClose(alone.Column(column), shared.Column(column), 1e-5);
            Tensors.AllClose(shared.Column("loss"), shared.Column("loss/0_cross_entropy").Zip(shared.Column("loss/1_focal"), (ce, focal) => ce + 0.5 * focal).ToArray(), 1e-6);
        }
        // rank 0 alone wrote the run (a second writer would have failed on the run lock)
        var run = Path.Combine(dir, "mpi");
        Assert.True(File.Exists(Path.Combine(run, "last.ckpt")));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(run, "train_log.csv")).Length); // header + steps 5, 10, 15, 20

        // Evaluation sharded over the ranks (batches 0, 2, 4 on rank 0; 1, 3 on rank 1; counts summed) equals rank 0 evaluating
        // every batch alone with the same weights — exactly, metric by metric.
        Assert.Equal(ranks.whole, ranks.sharded);
        Assert.Equal(single.whole, single.sharded);
        Assert.Equal(0, single.bytes_per_step);
        Assert.True(ranks.bytes_per_step > 4 * single.weights.Length, $"{ranks.bytes_per_step} bytes all-reduced per step for {single.weights.Length} float32 weights");
    }

    [Fact]
    public void TheTrainCommandUnderMpirunTrainsOnceAndAConfigErrorEndsEveryRank()
    {
        var mpirun = MpiRun();
        string[] Args(string output, int batch) =>
        [
            "--allow-run-as-root", "--oversubscribe", "-np", "2", "dotnet", Support.CliProcess.Assembly(), "train",
            "--set", $"data.root={Path.Combine(dir, "data")}", "--set", "data.crop_width=32", "--set", "data.crop_height=16",
            "--set", $"data.batch_size={batch}", "--set", "data.synthetic_train=8", "--set", "data.synthetic_val=2", "--set", "loss.kind=recall",
            "--set", "schedule.iterations=4", "--set", "schedule.eval_every=2", "--set", "schedule.log_every=2", "--set", "schedule.checkpoint_every=2",
            "--set", "threads=1", "--set", $"output={output}",
        ];
        var (code, stdout, stderr) = Run(mpirun, Args(Path.Combine(dir, "cli"), 4));
        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Single(stdout.Split('\n'), l => l.StartsWith("done: 4 steps", StringComparison.Ordinal) && l.EndsWith("(2 MPI ranks)", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(dir, "cli", "metrics.json")));

        (code, stdout, stderr) = Run(mpirun, Args(Path.Combine(dir, "odd"), 3));
        Assert.NotEqual(0, code);
        Assert.Contains("data.batch_size = 3 is not divisible by the 2 MPI ranks", stderr);
    }

    [Fact]
    public void TheCompareCommandUnderMpirunTrainsEveryRunOnceAndRankZeroWritesTheReport()
    {
        var mpirun = MpiRun();
        var output = Path.Combine(dir, "comparison");
        var file = Path.Combine(dir, "comparison.json");
        File.WriteAllText(file, $$"""
            {
              "output": "{{output.Replace("\\", "/")}}",
              "seeds": [0],
              "base": {
                "data": { "kind": "synthetic", "root": "{{Path.Combine(dir, "data").Replace("\\", "/")}}", "crop_width": 32, "crop_height": 16,
                          "batch_size": 4, "synthetic_train": 8, "synthetic_val": 2 },
                "schedule": { "iterations": 4, "eval_every": 2, "log_every": 2, "checkpoint_every": 2 },
                "threads": 1
              },
              "variants": [
                { "name": "ce", "set": ["loss.kind=cross_entropy"] },
                { "name": "recall", "set": ["loss.kind=recall"] }
              ]
            }
            """);
        string[] args = ["--allow-run-as-root", "--oversubscribe", "-np", "2", "dotnet", Support.CliProcess.Assembly(), "compare", "--config", file];
        var (code, stdout, stderr) = Run(mpirun, args);
        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Single(stdout.Split('\n'), l => l.StartsWith("report: ", StringComparison.Ordinal) && l.EndsWith("(2 MPI ranks)", StringComparison.Ordinal));
        foreach (var variant in new[] { "ce", "recall" })
        {
            var run = Path.Combine(output, variant, "seed-0");
            Assert.True(File.Exists(Path.Combine(run, "metrics.json")), run);
            // One writer: header + rows for steps 2 and 4, not twice that.
            Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "train_log.csv")).Length);
        }
        var report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("| ce |", report);
        Assert.Contains("| recall |", report);

        (code, stdout, stderr) = Run(mpirun, args); // finished runs are skipped on every rank alike
        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Equal(2, stdout.Split('\n').Count(l => l.Contains("finished earlier, skipped", StringComparison.Ordinal)));
    }

    [Fact]
    public void ATwoRankRunResumedFromItsCheckpointEqualsAnUninterruptedTwoRankRun()
    {
        // A constant learning rate (poly_power = 0) makes "4 steps, then resume to 8" the same computation as "8 steps".
        var mpirun = MpiRun();
        string[] Args(string output, int iterations, bool resume) =>
        [
            "--allow-run-as-root", "--oversubscribe", "-np", "2", "dotnet", Support.CliProcess.Assembly(), "train",
            "--set", $"data.root={Path.Combine(dir, "data")}", "--set", "data.crop_width=32", "--set", "data.crop_height=16",
            "--set", "data.batch_size=4", "--set", "data.synthetic_train=8", "--set", "data.synthetic_val=2", "--set", "loss.kind=recall",
            "--set", "loss.ema_alpha=0.5", "--set", $"schedule.iterations={iterations}", "--set", "schedule.poly_power=0",
            "--set", "schedule.eval_every=4", "--set", "schedule.log_every=2", "--set", "schedule.checkpoint_every=2",
            "--set", "threads=1", "--set", $"output={output}", .. (resume ? new[] { "--resume" } : []),
        ];
        var straight = Path.Combine(dir, "straight");
        var (code, stdout, stderr) = Run(mpirun, Args(straight, 8, false));
        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        var resumed = Path.Combine(dir, "resumed");
        (code, stdout, stderr) = Run(mpirun, Args(resumed, 4, false));
        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        (code, stdout, stderr) = Run(mpirun, Args(resumed, 8, true));
        Assert.True(code == 0, $"exit {code}: {stdout}\n{stderr}");
        Assert.Single(stdout.Split('\n'), l => l.Contains("resuming", StringComparison.Ordinal) && l.Contains("at step 4"));
        Assert.Equal(Support.CheckpointFile.Bytes(Path.Combine(straight, "last.ckpt"), "model"), Support.CheckpointFile.Bytes(Path.Combine(resumed, "last.ckpt"), "model"));
        Assert.Equal(Support.CheckpointFile.Bytes(Path.Combine(straight, "last.ckpt"), "loss"), Support.CheckpointFile.Bytes(Path.Combine(resumed, "last.ckpt"), "loss"));
        Assert.Equal(File.ReadAllLines(Path.Combine(straight, "train_log.csv")), File.ReadAllLines(Path.Combine(resumed, "train_log.csv")));
    }

    private static (int code, string stdout, string stderr) Run(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["OMPI_MCA_mpi_yield_when_idle"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the run did not finish in 3 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public async Task KillingOneRankStopsEveryRankAndTheRunResumesFromItsLastCheckpoint()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("finds the rank's process through /proc");
        var mpirun = MpiRun();
        var output = Path.Combine(dir, "killed");
        string[] Args(bool resume) =>
        [
            "--allow-run-as-root", "--oversubscribe", "-np", "2", "dotnet", Support.CliProcess.Assembly(), "train",
            "--set", $"data.root={Path.Combine(dir, "data")}", "--set", "data.crop_width=32", "--set", "data.crop_height=16",
            "--set", "data.batch_size=4", "--set", "data.synthetic_train=8", "--set", "data.synthetic_val=2",
            "--set", "schedule.iterations=40", "--set", "schedule.eval_every=20", "--set", "schedule.log_every=2", "--set", "schedule.checkpoint_every=2",
            "--set", "threads=1", "--set", $"output={output}", .. (resume ? new[] { "--resume" } : []),
        ];
        var info = new ProcessStartInfo(mpirun) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in Args(resume: false)) info.ArgumentList.Add(a);
        info.Environment["OMPI_MCA_mpi_yield_when_idle"] = "1";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        int killed = 0;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (killed == 0 && line.StartsWith("step 6/", StringComparison.Ordinal))
            {
                killed = RankProcess(rank: 1, output);
                Process.GetProcessById(killed).Kill(); // SIGKILL: no handler, no last words
            }
        }
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("mpirun did not stop within a minute of one rank being killed");
        }
        Assert.NotEqual(0, killed);
        Assert.NotEqual(0, process.ExitCode);
        var messages = await stderr;
        Assert.Contains("process rank 1", messages);
        Assert.Contains("exited on signal 9", messages);

        // Rank 0 alone writes checkpoints, atomically: the last one is whole and from a step at or after the last log line.
        int step = Support.CheckpointFile.Step(Path.Combine(output, "last.ckpt"));
        Assert.InRange(step, 6, 38);
        var (code, stdout, err) = Run(mpirun, Args(resume: true));
        Assert.True(code == 0, $"exit {code}: {stdout}\n{err}");
        Assert.Single(stdout.Split('\n'), l => l.Contains("resuming", StringComparison.Ordinal) && l.Contains($"at step {step}"));
        Assert.Single(stdout.Split('\n'), l => l.StartsWith("done: 40 steps", StringComparison.Ordinal));
    }

    /// <summary>The process of rank <paramref name="rank"/> among those whose command line mentions <paramref name="marker"/>.</summary>
    private static int RankProcess(int rank, string marker)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid)) continue;
            try
            {
                if (!File.ReadAllText(Path.Combine(entry, "cmdline")).Contains(marker, StringComparison.Ordinal)) continue;
                if (File.ReadAllText(Path.Combine(entry, "environ")).Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
            }
            catch (IOException) { } // the process ended meanwhile
            catch (UnauthorizedAccessException) { }
        }
        Assert.Fail($"no process of rank {rank} found");
        return 0;
    }

    [Fact]
    public void ABatchSizeNotDivisibleByTheRanksIsAConfigError()
    {
        var config = TinyTraining.Config(Path.Combine(dir, "run"), iterations: 4) with { Data = new DataConfig { BatchSize = 4 } };
        using var loss = new RecallKit.Losses.RecallCrossEntropy(ColourCodedBatches.Classes, ignore_index: 255);
        using var model = new PixelClassifier(1);
        var trainer = new Trainer(config, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames),
            new ColourCodedBatches(8, 4, 4, 4, 1), new ColourCodedBatches(4, 4, 4, 4, 2), TextWriter.Null) { Distributed = new ThreeRanks() };
        var error = Assert.Throws<ConfigException>(() => trainer.Run(resume: false));
        Assert.Contains("data.batch_size = 4 is not divisible by the 3 MPI ranks", error.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [Fact]
    public void TheShardsOfABatchInRankOrderAreTheBatch()
    {
        var batch = new ColourCodedBatches(8, 8, 3, 2, 7).Epoch(0, 0, default).Single();
        var shards = Enumerable.Range(0, 4).Select(r => batch.Shard(r, 4)).ToArray();
        Assert.All(shards, s => Assert.Equal(2, s.Count));
        Assert.Equal(batch.Images, shards.SelectMany(s => s.Images));
        Assert.Equal(batch.Labels, shards.SelectMany(s => s.Labels));
        Assert.Equal(batch.Ids, shards.SelectMany(s => s.Ids));
        Assert.Same(batch, batch.Shard(0, 1));
    }

    /// <summary>Claims three ranks; used only for checks that fail before any collective call.</summary>
    private sealed class ThreeRanks : IDistributed
    {
        public int Rank => 0;
        public int Size => 3;
        public void AllReduceSum(Span<float> values) => throw new InvalidOperationException("no collective expected");
        public void AllReduceSum(Span<double> values) => throw new InvalidOperationException("no collective expected");
        public void AllReduceSum(Span<long> values) => throw new InvalidOperationException("no collective expected");
        public void Broadcast(Span<byte> data, int root = 0) => throw new InvalidOperationException("no collective expected");
        public void Barrier() => throw new InvalidOperationException("no collective expected");
        public void Abort(int code) => throw new InvalidOperationException("no abort expected");
        public void Dispose()
        {
        }
    }

    private Result Train(string? mpirun, string name, string loss, string model)
    {
        var resultPath = Path.Combine(dir, name + ".json");
        string[] launcher = mpirun is null ? [] : ["--allow-run-as-root", "--oversubscribe", "-np", "2", "dotnet"];
        var (code, stdout, stderr) = Run(mpirun ?? "dotnet", [.. launcher, Helper(), Path.Combine(dir, name), resultPath, "8", "20", loss, model]);
        Assert.True(code == 0, $"{name} run exited with {code}: {stdout}\n{stderr}");
        return JsonSerializer.Deserialize<Result>(File.ReadAllText(resultPath),
            new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals })!;
    }

    private static string MpiRun()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        if (path is null) Assert.Skip("mpirun (Open MPI) is not installed: apt-get install openmpi-bin libopenmpi-dev");
        return path!;
    }

    private static string Helper()
    {
        var cli = Support.CliProcess.Assembly(); // …/src/RecallKit.Cli/bin/<Configuration>/net10.0/RecallKit.Cli.dll
        var configuration = new DirectoryInfo(Path.GetDirectoryName(cli)!).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(cli)!, "..", "..", "..", "..", ".."));
        var path = Path.Combine(root, "tests", "RecallKit.MpiRank", "bin", configuration, "net10.0", "RecallKit.MpiRank.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the test helper first: {path}");
    }
}
