using System.Diagnostics;
using System.Text.Json;
using RecallKit.Losses;
using RecallKit.Metrics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// Trains a model for a task (<see cref="SegmentationTask"/>, <see cref="ClassificationTask"/>): the optimisation loop,
/// poly learning rate, periodic evaluation, best and last checkpoints, CSV and TensorBoard logs, and exact resumption
/// (same seed and config → same weights whether or not the run was interrupted).
/// </summary>
public sealed class Trainer
{
    private readonly TrainConfig config;
    private readonly ITrainingTask task;
    private readonly nn.Module model;
    private readonly nn.Module loss;
    private readonly IBatchSource train;
    private readonly IBatchSource val;
    private readonly DatasetClasses classes;
    private readonly TextWriter output;
    private readonly Device device;

    /// <param name="config">The run's configuration (recorded in checkpoints).</param>
    /// <param name="task">Model, loss and evaluation; the model's and loss's state (e.g. the EMA recall buffer) is checkpointed.</param>
    /// <param name="train">Training batches.</param>
    /// <param name="val">Validation batches (epoch 0 is used).</param>
    /// <param name="output">Where progress lines go.</param>
    public Trainer(TrainConfig config, ITrainingTask task, IBatchSource train, IBatchSource val, TextWriter output)
    {
        this.config = config;
        this.task = task;
        model = task.Model;
        loss = task.Loss;
        this.train = train;
        this.val = val;
        classes = task.Classes;
        this.output = output;
        device = config.Device == DeviceKind.Cuda ? CUDA : CPU;
        if (train.BatchesPerEpoch < 1)
            throw new ArgumentException("the training split yields no batch (fewer images than data.batch_size with drop_last?).", nameof(train));
    }

    /// <summary>
    /// Receives a status after every step (no host sync: the loss is the last logged one). When set, the per-log-step progress
    /// line is not written to the output; evaluations and other events still are.
    /// </summary>
    public IProgress<TrainingStatus>? Progress { get; init; }

    /// <summary>Batches skipped because their loss was not finite (with <c>schedule.skip_nonfinite</c>).</summary>
    public int SkippedNonfinite { get; private set; }

    /// <summary>Trains to <c>schedule.iterations</c>; with <paramref name="resume"/>, continues from the run's last checkpoint.</summary>
    public TrainingResult Run(bool resume, CancellationToken cancellation = default)
    {
        using var run = new RunDirectory(config.Output);
        run.Acquire();
        if (config.Threads > 0) set_num_threads(config.Threads);
        model.to(device);
        loss.to(device);
        model.train();
        loss.train();
        using var optimizer = CreateOptimizer();

        var progress = TrainingProgress.Start;
        if (File.Exists(run.LastCheckpoint))
        {
            if (!resume)
                throw new IOException($"{run.Root} already holds a run ({run.LastCheckpoint}); pass --resume to continue it or choose another output directory.");
            progress = LoadCheckpoint(run.LastCheckpoint, optimizer);
            output.WriteLine($"resuming {run.Root} at step {progress.Iteration}");
        }
        File.WriteAllText(run.Config, ConfigLoader.ToJson(config));

        using var trainLog = new CsvLog(run.TrainLog, LogColumns.TrainLog(classes.Names), progress.Iteration);
        using var evalLog = new CsvLog(run.EvalLog, LogColumns.EvalLog(task.Kind), progress.Iteration);
        TensorBoardEvents.DropAfter(run.TensorBoard, progress.Iteration);
        var tensorboard = torch.utils.tensorboard.SummaryWriter(run.TensorBoard);
        var schedule = new LearningRateSchedule(config.Optimizer.LearningRate, config.Schedule.Iterations, config.Schedule.WarmupIterations,
            config.Schedule.PolyPower);

        Evaluation? lastEval = null;
        var clock = Stopwatch.StartNew();
        int startIteration = progress.Iteration, iteration = progress.Iteration;
        double lastLoss = double.NaN;
        using var nonFinite = zeros(1, dtype: ScalarType.Bool, device: device).DetachFromDisposeScope();
        bool evaluationPending = progress.EvaluationPending;

        // Runs the evaluation of step `at` and records it (log, TensorBoard, best checkpoint); false when it was cancelled.
        bool EvaluateAndRecord(int at)
        {
            try
            {
                lastEval = task.Evaluate(val, device, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return false; // an interrupted evaluation is not recorded
            }
            evalLog.Append(at, lastEval.Values);
            var columns = Evaluation.Columns(task.Kind);
            for (int c = 0; c < columns.Count; c++)
                if (double.IsFinite(lastEval.Values[c])) tensorboard.add_scalar($"val/{columns[c]}", (float)lastEval.Values[c], at);
            output.WriteLine($"eval @ {at}: {lastEval.Summary}");
            if (double.IsNaN(progress.BestMetric) || lastEval.Selection > progress.BestMetric)
            {
                progress = progress with { BestMetric = lastEval.Selection, BestIteration = at };
                SaveCheckpoint(run.BestCheckpoint, optimizer, progress with { Iteration = at, EvaluationPending = false });
                WriteMetrics(run.Combine("best_metrics.json"), at, lastEval);
            }
            return true;
        }

        if (evaluationPending && EvaluateAndRecord(iteration))
        {
            // The evaluation a cancellation interrupted, run before training continues, exactly where it belonged.
            evaluationPending = false;
            SaveCheckpoint(run.LastCheckpoint, optimizer, progress with { Iteration = iteration, EvaluationPending = false });
        }
        while (iteration < config.Schedule.Iterations && !evaluationPending)
        {
            int epoch = iteration / train.BatchesPerEpoch;
            foreach (var batch in train.Epoch(epoch, iteration % train.BatchesPerEpoch, cancellation))
            {
                if (iteration >= config.Schedule.Iterations || cancellation.IsCancellationRequested) break;
                double lr = schedule.At(iteration);
                float lossValue = Step(batch, optimizer, lr, iteration, nonFinite, logging: (iteration + 1) % config.Schedule.LogEvery == 0);
                iteration++;
                if (!float.IsNaN(lossValue)) lastLoss = lossValue;
                Progress?.Report(new TrainingStatus(RunName(run.Root), iteration, config.Schedule.Iterations, lastLoss, lr,
                    (iteration - startIteration) * (double)config.Data.BatchSize / clock.Elapsed.TotalSeconds));
                bool evaluate = iteration == config.Schedule.Iterations || (config.Schedule.EvalEvery > 0 && iteration % config.Schedule.EvalEvery == 0);
                bool log = iteration % config.Schedule.LogEvery == 0;
                if (log || evaluate || iteration % config.Schedule.CheckpointEvery == 0)
                    ThrowIfNonFinite(nonFinite, iteration);
                if (log)
                {
                    var weights = LastWeights();
                    trainLog.Append(iteration, [lossValue, lr, .. weights]);
                    tensorboard.add_scalar("train/loss", lossValue, iteration);
                    tensorboard.add_scalar("train/lr", (float)lr, iteration);
                    for (int c = 0; c < weights.Length; c++)
                        if (double.IsFinite(weights[c])) tensorboard.add_scalar($"class_weight/{classes.Names[c]}", (float)weights[c], iteration);
                    double rate = (iteration - startIteration) * (double)config.Data.BatchSize / clock.Elapsed.TotalSeconds;
                    var eta = TimeSpan.FromSeconds((config.Schedule.Iterations - iteration) * clock.Elapsed.TotalSeconds / (iteration - startIteration));
                    if (Progress is null)
                        output.WriteLine($"step {iteration}/{config.Schedule.Iterations}  loss {lossValue:F4}  lr {lr:G3}  {rate:F1} img/s  eta {eta:mm\\:ss}");
                }
                if (evaluate && !EvaluateAndRecord(iteration))
                {
                    evaluationPending = true; // the checkpoint below keeps the step; a resumed run evaluates it first
                    break;
                }
                if (evaluate || iteration % config.Schedule.CheckpointEvery == 0)
                    SaveCheckpoint(run.LastCheckpoint, optimizer, progress with { Iteration = iteration, EvaluationPending = false });
            }
            if (cancellation.IsCancellationRequested) break;
        }

        progress = progress with { Iteration = iteration, EvaluationPending = evaluationPending };
        if (cancellation.IsCancellationRequested)
        {
            ThrowIfNonFinite(nonFinite, iteration); // never replace the last good checkpoint with broken weights
            SaveCheckpoint(run.LastCheckpoint, optimizer, progress);
            output.WriteLine($"stopped at step {iteration}; checkpoint written. Resume with: recallkit train --config {run.Config} --resume");
            return new TrainingResult(run.Root, iteration, false, lastEval, progress.BestMetric, progress.BestIteration);
        }
        lastEval ??= task.Evaluate(val, device, cancellation);
        if (SkippedNonfinite > 0) output.WriteLine($"skipped {SkippedNonfinite} batch(es) with a non-finite loss (schedule.skip_nonfinite).");
        WriteMetrics(run.Metrics, iteration, lastEval);
        return new TrainingResult(run.Root, iteration, true, lastEval, progress.BestMetric, progress.BestIteration);
    }

    private float Step(ImageBatch batch, OptimizerHelper optimizer, double lr, int iteration, Tensor nonFinite, bool logging)
    {
        using var scope = NewDisposeScope();
        // Dropout and any other global randomness depend only on (seed, step), so a resumed run replays the same draws.
        manual_seed(unchecked(config.Seed * 1_000_003L + iteration));
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        var (images, labels) = BatchTensors.From(batch, device);
        var value = task.ComputeLoss(images, labels, iteration);
        if (config.Schedule.SkipNonfinite && !value.isfinite().item<bool>())
        {
            SkippedNonfinite++;
            return float.NaN; // no backward, no optimiser step: the weights stay as they were
        }
        optimizer.zero_grad();
        value.backward();
        optimizer.step();
        nonFinite.logical_or_(value.detach().isfinite().logical_not().reshape(1));
        return logging ? value.item<float>() : float.NaN;
    }

    /// <summary>The last two components of the run directory (e.g. <c>recall/seed-0</c>), for progress displays.</summary>
    private static string RunName(string root)
    {
        var parent = Path.GetFileName(Path.GetDirectoryName(root));
        return string.IsNullOrEmpty(parent) ? Path.GetFileName(root) : $"{parent}/{Path.GetFileName(root)}";
    }

    private void ThrowIfNonFinite(Tensor nonFinite, int iteration)
    {
        if (nonFinite.item<bool>())
            throw new NonFiniteLossException(
                $"the loss became NaN or infinite at or before step {iteration}; stopped without writing a checkpoint, so {config.Output}/last.ckpt (if one was written before) is the last good state. Lower optimizer.learning_rate or check the data.");
    }

    private double[] LastWeights() => task.LastClassWeights();

    private OptimizerHelper CreateOptimizer()
    {
        var o = config.Optimizer;
        var parameters = task.TrainableParameters().ToArray();
        if (parameters.Length == 0) throw new InvalidOperationException("the model has no trainable parameter (every parameter is frozen).");
        return o.Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, o.LearningRate, o.Momentum, weight_decay: o.WeightDecay),
            _ => optim.Adam(parameters, o.LearningRate, weight_decay: o.WeightDecay),
        };
    }

    private void SaveCheckpoint(string path, OptimizerHelper optimizer, TrainingProgress progress)
    {
        // A finite loss can still come with non-finite gradients (and skip_nonfinite hides the losses after it): never save such weights.
        using (var scope = NewDisposeScope())
        {
            var parameters = model.parameters().ToArray();
            if (parameters.Length > 0 && !stack(parameters.Select(p => p.detach().isfinite().all()).ToArray()).all().item<bool>())
                throw new NonFiniteLossException(
                    $"the model's weights became NaN or infinite at or before step {progress.Iteration}; {path} was not written, so the checkpoint on disk is the last good state. Lower optimizer.learning_rate or check the data.");
        }

        using var checkpoint = RunCheckpoint.ForTraining(config, progress, classes, task.TrainingCounts, model, loss, optimizer);
        checkpoint.Save(path);
    }

    private TrainingProgress LoadCheckpoint(string path, OptimizerHelper optimizer)
    {
        using var checkpoint = Checkpoint.Load(path);
        var saved = ConfigLoader.FromJson(checkpoint.GetText("config"));
        var savedClasses = ClassesJson.Parse(checkpoint.GetText("classes"));
        if (saved.Model.Architecture != config.Model.Architecture || saved.Model.OutputStride != config.Model.OutputStride)
            throw new InvalidDataException(
                $"{path} holds a {saved.Model.Architecture} (output stride {saved.Model.OutputStride}) but the config asks for {config.Model.Architecture} (output stride {config.Model.OutputStride}).");
        if (!savedClasses.Names.SequenceEqual(classes.Names))
            throw new InvalidDataException(
                $"{path} was trained on {savedClasses.Count} classes ({string.Join(", ", savedClasses.Names)}) but the dataset has {classes.Count} ({string.Join(", ", classes.Names)}).");
        if (saved.Model.Head != config.Model.Head || saved.Model.Stage != config.Model.Stage || saved.Model.Classifier != config.Model.Classifier)
            throw new InvalidDataException(
                $"{path} was trained with head {saved.Model.Head}, stage {saved.Model.Stage}, classifier {saved.Model.Classifier}; the config asks for {config.Model.Head}, {config.Model.Stage}, {config.Model.Classifier}. Use another output directory.");
        if (saved.Loss.Kind != config.Loss.Kind)
            throw new InvalidDataException($"{path} was trained with loss {saved.Loss.Kind} but the config asks for {config.Loss.Kind}; use another output directory.");
        ResumeCompatibility.ThrowIfIncompatible(path, saved, config);
        ModelKeys.Check(path, checkpoint.Has(ModelKeys.Section) ? checkpoint.GetText(ModelKeys.Section) : null, model,
            $"{config.Model.Architecture} with {classes.Count} classes");
        checkpoint.Read("model", r => model.load(r));
        checkpoint.Read("loss", r => LossState.Load(loss, r, path));
        checkpoint.Read("optimizer", r => optimizer.load_state_dict(r));
        return TrainingProgress.FromJson(checkpoint.GetText("progress"));
    }

    private void WriteMetrics(string path, int iteration, Evaluation evaluation) =>
        File.WriteAllText(path, MetricsJson.Serialize(iteration, classes, evaluation));
}

/// <summary>The outcome of <see cref="Trainer.Run"/>.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Iterations">Steps completed.</param>
/// <param name="Completed">False when stopped early (cancellation).</param>
/// <param name="Evaluation">The last evaluation, if any.</param>
/// <param name="BestMetric">Best validation mIoU (segmentation) or top-1 accuracy (classification).</param>
/// <param name="BestIteration">Step of the best validation result.</param>
public sealed record TrainingResult(string Directory, int Iterations, bool Completed, Evaluation? Evaluation, double BestMetric, int BestIteration)
{
    /// <summary>Metrics of the last evaluation, if any.</summary>
    public ConfusionMetrics? Final => Evaluation?.Metrics;
}

/// <summary>The loss became NaN or infinite; the last checkpoint on disk is the last good state.</summary>
public sealed class NonFiniteLossException(string message) : Exception(message);
