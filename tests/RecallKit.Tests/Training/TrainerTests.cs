using RecallKit.Losses;
using RecallKit.Runtime;
using RecallKit.Vision.Data;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class TrainerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-train-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static Trainer Trainer(string output, PixelClassifier model, nn.Module<Tensor, Tensor, Tensor> loss, int iterations = 24) =>
        new(TinyTraining.Config(output, iterations), new SegmentationTask(model, loss, ColourCodedBatches.ClassNames),
            new ColourCodedBatches(24, 4, 6, 5, seed: 1), new ColourCodedBatches(8, 4, 6, 5, seed: 2), TextWriter.Null);

    private static byte[] Weights(nn.Module module)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream)) module.save(writer);
        return stream.ToArray();
    }

    [Fact]
    public void TrainingLowersTheLossAndWritesLogsMetricsAndCheckpoints()
    {
        var output = Path.Combine(dir, "run");
        using var model = new PixelClassifier(3);
        using var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255);
        var result = Trainer(output, model, loss).Run(resume: false);

        Assert.True(result.Completed);
        Assert.Equal(24, result.Iterations);
        Assert.NotNull(result.Final);
        Assert.True(result.Final!.MeanAccuracy > 0.8, $"mAcc {result.Final.MeanAccuracy}");
        var rows = File.ReadAllLines(Path.Combine(output, "train_log.csv"));
        Assert.Equal("step,loss,lr,w_big,w_medium,w_small", rows[0]);
        Assert.Equal(["4", "8", "12", "16", "20", "24"], rows.Skip(1).Select(r => r.Split(',')[0]));
        var firstLoss = double.Parse(rows[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
        var lastLoss = double.Parse(rows[^1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lastLoss < firstLoss, $"loss {firstLoss} → {lastLoss}");
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "eval_log.csv")).Length);
        Assert.True(File.Exists(Path.Combine(output, "last.ckpt")));
        Assert.True(File.Exists(Path.Combine(output, "best.ckpt")));
        Assert.Contains("\"mean_iou\"", File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.False(File.Exists(Path.Combine(output, "run.lock")));
        var events = Directory.GetFiles(Path.Combine(output, "tensorboard"), "events.out.tfevents.*", SearchOption.AllDirectories);
        Assert.NotEmpty(events);
        Assert.True(new FileInfo(events[0]).Length > 200, "the TensorBoard event file holds the logged scalars");
    }

    [Fact]
    public void ResumingAfterAnInterruptionEqualsAnUninterruptedRun()
    {
        var straight = Path.Combine(dir, "straight");
        using var modelA = new PixelClassifier(3);
        using var lossA = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255);
        Trainer(straight, modelA, lossA).Run(resume: false);

        var interrupted = Path.Combine(dir, "interrupted");
        using (var modelB = new PixelClassifier(3))
        using (var lossB = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255))
        {
            // The process dies while fetching the 11th batch: the last checkpoint on disk is the one of step 8.
            var crashing = new FailingAfter(new ColourCodedBatches(24, 4, 6, 5, 1), batches: 10);
            var partial = new Trainer(TinyTraining.Config(interrupted), new SegmentationTask(modelB, lossB, ColourCodedBatches.ClassNames), crashing,
                new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null);
            Assert.Throws<IOException>(() => partial.Run(resume: false));
        }
        Assert.Equal(8, Support.CheckpointFile.Step(Path.Combine(interrupted, "last.ckpt")));
        using var modelC = new PixelClassifier(99); // different initial weights: everything must come from the checkpoint
        using var lossC = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255);
        var resumed = Trainer(interrupted, modelC, lossC).Run(resume: true);

        Assert.Equal(24, resumed.Iterations);
        Assert.Equal(Weights(modelA), Weights(modelC));
        Assert.Equal(lossA.running_recall.data<double>().ToArray(), lossC.running_recall.data<double>().ToArray());
        var logA = File.ReadAllLines(Path.Combine(straight, "train_log.csv"));
        var logC = File.ReadAllLines(Path.Combine(interrupted, "train_log.csv"));
        Assert.Equal(logA, logC);
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "metrics.json")), File.ReadAllText(Path.Combine(interrupted, "metrics.json")));
    }

    [Fact]
    public void CancellationStopsAtAStepBoundaryWithACheckpointAndResumeFinishesTheSameRun() =>
        StopsAtStepWithACheckpointAndResumesTheSameRun(7, cancel => new CancellingAfter(new ColourCodedBatches(24, 4, 6, 5, 1), batches: 7, cancel));

    /// <summary>
    /// A run stopped through <paramref name="source"/>'s cancellation ends at step <paramref name="at"/> with a checkpoint
    /// there, and resuming it ends with the weights of an uninterrupted run.
    /// </summary>
    private void StopsAtStepWithACheckpointAndResumesTheSameRun(int at, Func<CancellationTokenSource, IBatchSource> source)
    {
        var straight = Path.Combine(dir, "straight");
        using var modelA = new PixelClassifier(3);
        using var lossA = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255);
        Trainer(straight, modelA, lossA).Run(resume: false);

        var stopped = Path.Combine(dir, "stopped");
        using var cancel = new CancellationTokenSource();
        using (var modelB = new PixelClassifier(3))
        using (var lossB = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255))
        {
            var result = new Trainer(TinyTraining.Config(stopped), new SegmentationTask(modelB, lossB, ColourCodedBatches.ClassNames), source(cancel),
                new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null).Run(resume: false, cancel.Token);
            Assert.False(result.Completed);
            Assert.Equal(at, result.Iterations);
        }
        Assert.Equal(at, Support.CheckpointFile.Step(Path.Combine(stopped, "last.ckpt")));
        using var modelC = new PixelClassifier(42);
        using var lossC = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255);
        Trainer(stopped, modelC, lossC).Run(resume: true);
        Assert.Equal(Weights(modelA), Weights(modelC));
    }

    /// <summary>Cross-entropy that returns NaN on the given training calls (1-based).</summary>
    private sealed class NaNOnSomeCalls(params int[] nanCalls) : nn.Module<Tensor, Tensor, Tensor>("nan")
    {
        private int calls;

        public override Tensor forward(Tensor input, Tensor target)
        {
            var value = nn.functional.cross_entropy(input, target, ignore_index: 255);
            if (!training || !nanCalls.Contains(++calls)) return value;
            using var nan = double.NaN.ToScalar();
            return value.mul(nan);
        }
    }

    [Fact]
    public void SkipNonfiniteSkipsTheBadBatchesAndFinishes()
    {
        var output = Path.Combine(dir, "skip");
        using var model = new PixelClassifier(3);
        using var loss = new NaNOnSomeCalls(3, 7);
        var config = TinyTraining.Config(output, 12) with { Schedule = TinyTraining.Config(output).Schedule with { Iterations = 12, SkipNonfinite = true } };
        var trainer = new Trainer(config, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), new ColourCodedBatches(24, 4, 6, 5, 1), new ColourCodedBatches(8, 4, 6, 5, 2),
            TextWriter.Null);
        var result = trainer.Run(resume: false);
        Assert.True(result.Completed);
        Assert.Equal(2, trainer.SkippedNonfinite);
        Assert.All(model.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }

    /// <summary>Cross-entropy whose value stays finite but whose gradient is NaN on the given training calls (1-based): d√x/dx at 0.</summary>
    private sealed class NaNGradientOnSomeCalls(params int[] nanCalls) : nn.Module<Tensor, Tensor, Tensor>("nan-gradient")
    {
        private int calls;

        public override Tensor forward(Tensor input, Tensor target)
        {
            var value = nn.functional.cross_entropy(input, target, ignore_index: 255);
            return training && nanCalls.Contains(++calls) ? value.add(input.reshape(-1)[0].mul(Scalars.Zero).sqrt(), Scalars.One) : value;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SkipNonfiniteAlsoSkipsAFiniteLossWithANonFiniteGradient(bool skip)
    {
        var output = Path.Combine(dir, $"skip-gradient-{skip}");
        using var model = new PixelClassifier(3);
        using var loss = new NaNGradientOnSomeCalls(3, 7);
        var config = TinyTraining.Config(output, 12) with { Schedule = TinyTraining.Config(output).Schedule with { Iterations = 12, SkipNonfinite = skip } };
        var trainer = new Trainer(config, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), new ColourCodedBatches(24, 4, 6, 5, 1), new ColourCodedBatches(8, 4, 6, 5, 2),
            TextWriter.Null);
        if (!skip)
        {
            // without the option the NaN gradient reaches the weights and the run stops before writing them
            var error = Assert.Throws<NonFiniteLossException>(() => trainer.Run(resume: false));
            Assert.Contains("at or before step 4", error.Message);
            return;
        }
        var result = trainer.Run(resume: false);
        Assert.True(result.Completed);
        Assert.Equal(2, trainer.SkippedNonfinite);
        Assert.All(model.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }

    private sealed class FailingAfter(IBatchSource inner, int batches) : IBatchSource
    {
        private int served;

        public int BatchesPerEpoch => inner.BatchesPerEpoch;

        public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
        {
            foreach (var batch in inner.Epoch(epoch, startBatch, cancellation))
            {
                if (served++ == batches) throw new IOException("simulated crash");
                yield return batch;
            }
        }
    }

    private sealed class CancellingAfter(IBatchSource inner, int batches, CancellationTokenSource cancel) : IBatchSource
    {
        private int served;

        public int BatchesPerEpoch => inner.BatchesPerEpoch;

        public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
        {
            foreach (var batch in inner.Epoch(epoch, startBatch, CancellationToken.None))
            {
                if (served++ == batches) cancel.Cancel();
                yield return batch;
            }
        }
    }

    /// <summary>Cancels while the next batch is being prepared and throws as a parallel decode does when its token is cancelled.</summary>
    private sealed class CancelledWhilePreparing(IBatchSource inner, int batches, CancellationTokenSource cancel) : IBatchSource
    {
        private int served;

        public int BatchesPerEpoch => inner.BatchesPerEpoch;

        public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
        {
            foreach (var batch in inner.Epoch(epoch, startBatch, CancellationToken.None))
            {
                if (served++ == batches)
                {
                    cancel.Cancel();
                    cancellation.ThrowIfCancellationRequested();
                }
                yield return batch;
            }
        }
    }

    [Fact]
    public void AStopThatComesWhileABatchIsPreparedIsAStepBoundaryWithACheckpoint() => // threw OperationCanceledException before
        StopsAtStepWithACheckpointAndResumesTheSameRun(5, cancel => new CancelledWhilePreparing(new ColourCodedBatches(24, 4, 6, 5, 1), batches: 5, cancel));

    [Fact]
    public void StartingOverAnExistingRunWithoutResumeIsRefused()
    {
        var output = Path.Combine(dir, "run");
        using var model = new PixelClassifier(3);
        using var loss = new RecallCrossEntropy(3, ignore_index: 255);
        Trainer(output, model, loss, iterations: 4).Run(resume: false);
        var before = File.ReadAllBytes(Path.Combine(output, "last.ckpt"));
        var e = Assert.Throws<IOException>(() => Trainer(output, model, loss, iterations: 4).Run(resume: false));
        Assert.Contains("--resume", e.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(output, "last.ckpt")));
    }

    [Fact]
    public void ASecondTrainingOnTheSameDirectoryIsRefusedWhileTheFirstHoldsTheLock()
    {
        var output = Path.Combine(dir, "locked");
        using var first = new RunDirectory(output);
        first.Acquire();
        using var model = new PixelClassifier(3);
        using var loss = new RecallCrossEntropy(3, ignore_index: 255);
        var e = Assert.Throws<IOException>(() => Trainer(output, model, loss, iterations: 4).Run(resume: false));
        Assert.Contains("another training", e.Message);
    }

    [Fact]
    public void ANonFiniteLossStopsWithTheStepAndKeepsTheLastGoodCheckpoint()
    {
        // NaN at step 7: the check at step 8 stops the run; last.ckpt stays the finite state of step 4.
        var output = Path.Combine(dir, "nan");
        using var model = new PixelClassifier(3);
        using var loss = new NaNOnSomeCalls(7);
        var trainer = new Trainer(TinyTraining.Config(output, 24), new SegmentationTask(model, loss, ColourCodedBatches.ClassNames),
            new ColourCodedBatches(24, 4, 6, 5, 1), new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null);
        var e = Assert.Throws<NonFiniteLossException>(() => trainer.Run(resume: false));
        Assert.Contains("step 8", e.Message);
        AssertLastCheckpointIsFiniteAtStep(output, 4);
    }

    [Fact]
    public void CancellingAfterANonFiniteLossKeepsTheLastGoodCheckpoint()
    {
        // NaN at step 7, Ctrl+C while the 8th batch is fetched: the cancellation path must not save the broken weights.
        var output = Path.Combine(dir, "nan-cancel");
        using var model = new PixelClassifier(3);
        using var loss = new NaNOnSomeCalls(7);
        using var cancel = new CancellationTokenSource();
        var source = new CancellingAfter(new ColourCodedBatches(24, 4, 6, 5, 1), batches: 7, cancel);
        var trainer = new Trainer(TinyTraining.Config(output, 24), new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), source,
            new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null);
        var e = Assert.Throws<NonFiniteLossException>(() => trainer.Run(resume: false, cancel.Token));
        Assert.Contains("step 7", e.Message);
        Assert.False(model.parameters().All(p => p.isfinite().all().item<bool>()), "the test needs the in-memory weights to be broken");
        AssertLastCheckpointIsFiniteAtStep(output, 4);
    }

    [Fact]
    public void ResumingWithAChangedSettingIsRefusedListingEveryChangedKey()
    {
        var output = Path.Combine(dir, "changed");
        using var model = new PixelClassifier(3);
        using var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255);
        Trainer(output, model, loss, iterations: 8).Run(resume: false);
        var configBefore = File.ReadAllText(Path.Combine(output, "config.json"));
        var lastBefore = File.ReadAllBytes(Path.Combine(output, "last.ckpt"));

        var original = TinyTraining.Config(output, 8);
        var changed = original with
        {
            Seed = 6,
            Optimizer = original.Optimizer with { LearningRate = 0.1 },
            Loss = original.Loss with { Metric = new() { EmaAlpha = 0.9 }, Ldam = original.Loss.Ldam with { DrwStart = 0.5 } },
            Data = original.Data with { BatchSize = 8, Root = "elsewhere" },
            Model = original.Model with { InitFrom = "other.ckpt" },
            Schedule = original.Schedule with { Iterations = 30 },
            Threads = 1,
        };
        var trainer = new Trainer(changed, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames),
            new ColourCodedBatches(24, 4, 6, 5, 1), new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null);
        var e = Assert.Throws<InvalidDataException>(() => trainer.Run(resume: true));
        foreach (var expected in new[]
                 {
                     "seed: 5 → 6", "optimizer.learning_rate: 0.05 → 0.1", "loss.ema_alpha: null → 0.9", "loss.drw_start: 0.8 → 0.5",
                     "data.batch_size: 4 → 8", "data.root: \"data/synthetic\" → \"elsewhere\"", "model.init_from: null → \"other.ckpt\"",
                 })
            Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("schedule.iterations:", e.Message);
        Assert.DoesNotContain("threads:", e.Message);
        Assert.Equal(configBefore, File.ReadAllText(Path.Combine(output, "config.json")));
        Assert.Equal(lastBefore, File.ReadAllBytes(Path.Combine(output, "last.ckpt")));
    }

    [Fact]
    public void ResumingMayExtendTheRunAndChangeThreadsAndCadence()
    {
        var output = Path.Combine(dir, "extended");
        using var model = new PixelClassifier(3);
        using var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255);
        Trainer(output, model, loss, iterations: 8).Run(resume: false);
        var original = TinyTraining.Config(output, 12);
        var extended = original with { Threads = 1, Schedule = original.Schedule with { LogEvery = 2, EvalEvery = 6, CheckpointEvery = 2 } };
        var result = new Trainer(extended, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames),
            new ColourCodedBatches(24, 4, 6, 5, 1), new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null).Run(resume: true);
        Assert.Equal(12, result.Iterations);
        Assert.Contains("\"iterations\": 12", File.ReadAllText(Path.Combine(output, "config.json")));
    }

    [Fact]
    public void AResumedRunsTensorBoardEventsEqualAnUninterruptedRunsWithoutDuplicatedSteps()
    {
        var straight = Path.Combine(dir, "tb-straight");
        using (var model = new PixelClassifier(3))
        using (var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255))
            new Trainer(Cadence(straight), new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), new ColourCodedBatches(24, 4, 6, 5, 1),
                new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null).Run(resume: false);

        // Crash while fetching the 11th batch: steps 9 and 10 were logged (every 2) after the checkpoint of step 8.
        var interrupted = Path.Combine(dir, "tb-interrupted");
        using (var model = new PixelClassifier(3))
        using (var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255))
            Assert.Throws<IOException>(() => new Trainer(Cadence(interrupted), new SegmentationTask(model, loss, ColourCodedBatches.ClassNames),
                new FailingAfter(new ColourCodedBatches(24, 4, 6, 5, 1), batches: 10), new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null).Run(resume: false));
        Assert.Contains(TensorBoardEvents.Scalars(Path.Combine(interrupted, "tensorboard")), s => s.Tag == "train/loss" && s.Step == 10);
        using (var model = new PixelClassifier(3))
        using (var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255))
            new Trainer(Cadence(interrupted), new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), new ColourCodedBatches(24, 4, 6, 5, 1),
                new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null).Run(resume: true);

        var expected = TensorBoardEvents.Scalars(Path.Combine(straight, "tensorboard"));
        var actual = TensorBoardEvents.Scalars(Path.Combine(interrupted, "tensorboard"));
        Assert.Equal(12, expected.Count(s => s.Tag == "train/loss"));
        Assert.Equal(expected, actual);

        static Vision.Configuration.TrainConfig Cadence(string output)
        {
            var config = TinyTraining.Config(output, 24);
            return config with { Schedule = config.Schedule with { LogEvery = 2, CheckpointEvery = 4 } };
        }
    }

    [Fact]
    public void AnEvaluationInterruptedByCancellationIsRunOnResumeSoTheRunEqualsAnUninterruptedOne()
    {
        var straight = Path.Combine(dir, "eval-straight");
        using (var model = new PixelClassifier(3))
        using (var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255))
            Trainer(straight, model, loss).Run(resume: false);

        var stopped = Path.Combine(dir, "eval-stopped");
        using (var cancel = new CancellationTokenSource())
        using (var model = new PixelClassifier(3))
        using (var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255))
        {
            var result = new Trainer(TinyTraining.Config(stopped), new SegmentationTask(model, loss, ColourCodedBatches.ClassNames),
                new ColourCodedBatches(24, 4, 6, 5, 1), new CancellingOnFirstEpoch(new ColourCodedBatches(8, 4, 6, 5, 2), cancel), TextWriter.Null)
                .Run(resume: false, cancel.Token);
            Assert.False(result.Completed);
            Assert.Equal(12, result.Iterations); // stopped inside the evaluation of step 12
        }
        using (var checkpoint = Checkpoint.Load(Path.Combine(stopped, "last.ckpt")))
            Assert.True(TrainingProgress.FromJson(checkpoint.GetText("progress")).EvaluationPending);
        Assert.Single(File.ReadAllLines(Path.Combine(stopped, "eval_log.csv"))); // header only: nothing recorded from the interrupted evaluation
        using (var model = new PixelClassifier(42))
        using (var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: 255))
        {
            Trainer(stopped, model, loss).Run(resume: true);
        }
        foreach (var file in new[] { "eval_log.csv", "train_log.csv", "metrics.json", "best_metrics.json" })
            Assert.Equal(File.ReadAllText(Path.Combine(straight, file)), File.ReadAllText(Path.Combine(stopped, file)));
        Assert.Equal(TensorBoardEvents.Scalars(Path.Combine(straight, "tensorboard")), TensorBoardEvents.Scalars(Path.Combine(stopped, "tensorboard")));
        using var a = Checkpoint.Load(Path.Combine(straight, "best.ckpt"));
        using var b = Checkpoint.Load(Path.Combine(stopped, "best.ckpt"));
        Assert.Equal(a.Get("model"), b.Get("model"));
        Assert.Equal(a.GetText("progress"), b.GetText("progress"));
    }

    private sealed class CancellingOnFirstEpoch(IBatchSource inner, CancellationTokenSource cancel) : IBatchSource
    {
        private bool cancelled;

        public int BatchesPerEpoch => inner.BatchesPerEpoch;

        public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
        {
            if (!cancelled)
            {
                cancelled = true;
                cancel.Cancel();
            }
            return inner.Epoch(epoch, startBatch, cancellation);
        }
    }

    private static void AssertLastCheckpointIsFiniteAtStep(string output, int step)
    {
        using var checkpoint = Checkpoint.Load(Path.Combine(output, "last.ckpt"));
        Assert.Equal(step, TrainingProgress.FromJson(checkpoint.GetText("progress")).Iteration);
        using var restored = new PixelClassifier(0);
        checkpoint.Read("model", r => restored.load(r));
        Assert.All(restored.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }
}
