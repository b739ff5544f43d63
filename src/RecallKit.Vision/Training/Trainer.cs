using System.Diagnostics;
using RecallKit.Losses;
using RecallKit.Runtime;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training.Hooks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// Trains a model for a task (<see cref="ITrainingTask"/>: segmentation or classification): the optimisation loop,
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
    private readonly IReadOnlyList<string> lossTermColumns;

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
        lossTermColumns = LossTermColumns.Of(config.Loss);
        lossScaler = config.Precision == PrecisionKind.Fp16 ? new DynamicLossScaler() : null;
        if (train.BatchesPerEpoch < 1)
            throw new ArgumentException("the training split yields no batch (fewer images than data.batch_size with drop_last?).", nameof(train));
    }

    /// <summary>
    /// Receives a status after every step (no host sync: the loss is the last logged one). When set, the per-log-step progress
    /// line is not written to the output; evaluations and other events still are.
    /// </summary>
    public IProgress<TrainingStatus>? Progress { get; init; }

    /// <summary>
    /// The ranks of a data-parallel run (default: <see cref="SingleProcess"/>; the program passes what
    /// <see cref="DistributedTensors.Start"/> returned). With K ranks each rank trains on its 1/K of every batch of <c>data.batch_size</c> images; rank 0 alone writes.
    /// </summary>
    public IDistributed Distributed { get; init; } = SingleProcess.Instance;

    /// <summary>
    /// fp16 only (CUDA): the dynamic loss scaler, PyTorch's defaults. Its state is not checkpointed: a resumed run starts again
    /// at 65536 and backs off within a few steps if that overflows.
    /// </summary>
    private readonly DynamicLossScaler? lossScaler;

    private Parameter[] trainable = [];
    private double[] lrMultipliers = [1];
    private string[] groupNames = ["all"];
    private int[] groupSizes = [];

    /// <summary>Batches skipped because their loss or gradient was not finite (with <c>schedule.skip_nonfinite</c>).</summary>
    public int SkippedNonfinite { get; private set; }

    /// <summary>Trains to <c>schedule.iterations</c>; with <paramref name="resume"/>, continues from the run's last checkpoint.</summary>
    public TrainingResult Run(bool resume, CancellationToken cancellation = default)
    {
        var distributed = Distributed;
        int ranks = distributed.Size;
        if (config.Data.BatchSize % ranks != 0)
            throw new ConfigException(
                $"data.batch_size = {config.Data.BatchSize} is not divisible by the {ranks} MPI ranks: each rank trains on data.batch_size / ranks images of every batch.");
        if (ranks > 1 && device.type != DeviceType.CPU)
            throw new ConfigException("distributed training (mpirun) runs on device = cpu only.");
        var shard = new DataShard(distributed.Rank, ranks);
        foreach (var (source, name) in new[] { (train, "training"), (val, "validation") })
            if (!source.Shard.IsWhole && source.Shard != shard)
                throw new ArgumentException($"the {name} batches were built for {source.Shard}, but this process is {shard}.");
        // Evaluation is sharded by batch and its counts summed over the ranks; a source that cannot load a part is filtered here.
        var evaluationBatches = ranks > 1 && val.Shard.IsWhole ? new OwnedBatches(val, shard) : val;
        var evaluationCounts = DistributedTensors.CountReducer(distributed);
        var synchronisedNorms = ranks > 1 && config.Model.SyncBn ? model.modules().OfType<SynchronizedBatchNorm2d>().ToArray() : [];
        var statistics = new DistributedBatchStatistics(distributed);
        foreach (var norm in synchronisedNorms) norm.Group = statistics;
        try
        {
            return RunLoop(resume, cancellation, distributed, evaluationBatches, evaluationCounts);
        }
        finally
        {
            foreach (var norm in synchronisedNorms) norm.Group = null;
        }
    }

    private TrainingResult RunLoop(bool resume, CancellationToken cancellation, IDistributed distributed, IBatchSource evaluationBatches,
        Func<Tensor, Tensor>? evaluationCounts)
    {
        var output = distributed.Rank == 0 ? this.output : TextWriter.Null; // other ranks write nothing
        // Steps and evaluations compute in the run's precision on this thread; checkpoints hold the float32 weights whatever it is.
        using var precision = ComputePrecision.Use(config.Precision.ComputeType());
        using var session = OpenSession(resume, distributed, output);
        // With several ranks, stopping is decided together at step boundaries (one rank leaving would leave the others waiting).
        var localCancellation = distributed.Size > 1 ? CancellationToken.None : cancellation;
        var evaluations = new EvaluationRunner(task, evaluationBatches, device, evaluationCounts, distributed, session.Hooks, localCancellation, cancellation);
        var steps = new StepSchedule(config.Schedule);
        var trafficAtStart = distributed.Traffic;
        var clock = Stopwatch.StartNew();
        int startIteration = session.Start.Iteration, iteration = startIteration;
        bool evaluationPending = session.Start.EvaluationPending, stopped = false;
        if (evaluationPending && evaluations.EvaluateAndRecord(iteration))
        {
            // The evaluation a cancellation interrupted, run before training continues, exactly where it belonged.
            evaluationPending = false;
            session.Hooks.OnStepEnd(new StepContext(iteration, float.NaN, double.NaN, Logs: false, Evaluates: true, Checkpoints: steps.Checkpoints(iteration),
                StepsThisRun: 0, clock.Elapsed));
        }
        if (!evaluationPending)
            (iteration, stopped, evaluationPending) = TrainSteps(session, evaluations, steps, iteration, clock, distributed, cancellation, localCancellation);
        stopped |= distributed.Size == 1 && cancellation.IsCancellationRequested;

        double bestMetric = session.Best?.BestMetric ?? session.Start.BestMetric;
        int bestIteration = session.Best?.BestIteration ?? session.Start.BestIteration;
        if (stopped)
        {
            session.Hooks.OnStop(new StopContext(iteration, evaluationPending));
            if (distributed.Size > 1) distributed.Barrier();
            output.WriteLine($"stopped at step {iteration}; checkpoint written. Resume with: recallkit train --config {session.Run.Config} --resume");
            return new TrainingResult(session.Run.Root, iteration, false, evaluations.Last, bestMetric, bestIteration);
        }
        var final = evaluations.Last ?? evaluations.Evaluate();
        session.Hooks.OnComplete(new EvaluationContext(iteration, final));
        if (SkippedNonfinite > 0) output.WriteLine($"skipped {SkippedNonfinite} batch(es) with a non-finite loss or gradient (schedule.skip_nonfinite).");
        if (distributed.Size > 1) distributed.Barrier();
        return new TrainingResult(session.Run.Root, iteration, true, final, bestMetric, bestIteration)
        {
            Steps = iteration - startIteration,
            StepTime = clock.Elapsed - evaluations.Time,
            StepTraffic = distributed.Traffic.Since(trafficAtStart).Since(evaluations.Traffic),
            OptimizerGroups = session.Optimizer.ParamGroups.Select((group, g) => new OptimizerGroupState(groupNames[g], groupSizes[g], group.LearningRate)).ToArray(),
        };
    }

    /// <summary>
    /// The steps from <paramref name="iteration"/> to the end of the schedule, or to a stop at a step boundary, with the
    /// evaluations the schedule asks for. Returns where it ended, whether it stopped, and whether a stop interrupted an evaluation.
    /// </summary>
    private (int Iteration, bool Stopped, bool EvaluationPending) TrainSteps(RunSession session, EvaluationRunner evaluations, StepSchedule steps,
        int iteration, Stopwatch clock, IDistributed distributed, CancellationToken cancellation, CancellationToken localCancellation)
    {
        var schedule = new LearningRateSchedule(config.Optimizer.LearningRate, config.Schedule.Iterations, config.Schedule.WarmupIterations,
            config.Schedule.PolyPower);
        int startIteration = iteration;
        while (iteration < config.Schedule.Iterations)
        {
            try
            {
                foreach (var batch in train.Epoch(iteration / train.BatchesPerEpoch, iteration % train.BatchesPerEpoch, localCancellation))
                {
                    if (iteration >= config.Schedule.Iterations) break;
                    if (distributed.Any(cancellation.IsCancellationRequested)) return (iteration, true, false);
                    double lr = schedule.At(iteration);
                    session.Hooks.BeforeStep(iteration);
                    var (lossValue, termValues) =
                        Step(batch, session.Optimizer, lr, iteration, session.NonFinite.Flag, logging: steps.Logs(iteration + 1));
                    iteration++;
                    var step = new StepContext(iteration, lossValue, lr, steps.Logs(iteration), steps.Evaluates(iteration), steps.Checkpoints(iteration),
                        iteration - startIteration, clock.Elapsed) { LossTerms = termValues };
                    session.Hooks.AfterStep(step);
                    // A stopped evaluation: the checkpoint written on stopping keeps the step; a resumed run evaluates it first.
                    if (step.Evaluates && !evaluations.EvaluateAndRecord(iteration)) return (iteration, true, true);
                    session.Hooks.OnStepEnd(step);
                }
            }
            catch (OperationCanceledException) when (distributed.Size == 1 && cancellation.IsCancellationRequested)
            {
                return (iteration, true, false); // the stop came while the next batch was being prepared: a step boundary like any other
            }
            if (distributed.Size == 1 && cancellation.IsCancellationRequested) return (iteration, true, false);
        }
        return (iteration, false, false);
    }

    /// <summary>
    /// Locks the run directory (rank 0), moves model and loss to the device, creates the optimiser, loads the last checkpoint
    /// when resuming (every rank; the ranks then take rank 0's state), records the config and opens the logs and the hooks:
    /// rank 0 gets every hook, the other ranks only the non-finite check (the same check everywhere, so all throw together).
    /// </summary>
    private RunSession OpenSession(bool resume, IDistributed distributed, TextWriter output)
    {
        bool root = distributed.Rank == 0;
        var run = new RunDirectory(config.Output);
        OptimizerHelper? optimizer = null;
        RunSession? session = null;
        try
        {
            if (root) run.Acquire();
            if (config.Threads > 0) set_num_threads(config.Threads);
            model.to(device);
            loss.to(device);
            model.train();
            loss.train();
            optimizer = CreateOptimizer();
            var checkpoints = new TrainingCheckpoints(config, task, optimizer);
            var progress = TrainingProgress.Start;
            if (File.Exists(run.LastCheckpoint))
            {
                if (!resume)
                    throw new IOException($"{run.Root} already holds a run ({run.LastCheckpoint}); pass --resume to continue it or choose another output directory.");
                progress = checkpoints.Load(run.LastCheckpoint);
                output.WriteLine($"resuming {run.Root} at step {progress.Iteration}");
            }
            if (distributed.Size > 1) BroadcastState(distributed);
            if (root) File.WriteAllText(run.Config, ConfigLoader.ToJson(config));
            session = new RunSession(run, optimizer, checkpoints, progress);
            session.NonFinite = session.Own(new NonFiniteCheck(device, config.Output));
            var hooks = new List<ITrainingHook>();
            if (root && Progress is { } sink) hooks.Add(new ProgressReportHook(sink, run.Root, config.Schedule.Iterations, config.Data.BatchSize));
            hooks.Add(session.NonFinite);
            hooks.AddRange(task.Hooks);
            if (root)
            {
                var trainLog = session.Own(
                    new CsvLog(run.TrainLog, LogColumns.TrainLog(classes.Names, lossTermColumns), progress.Iteration));
                var evalLog = session.Own(new CsvLog(run.EvalLog, LogColumns.EvalLog(task.EvaluationColumns), progress.Iteration));
                TensorBoardEvents.DropAfter(run.TensorBoard, progress.Iteration);
                var tensorboard = torch.utils.tensorboard.SummaryWriter(run.TensorBoard);
                session.Best = new BestCheckpointHook(run, checkpoints, classes, progress);
                hooks.AddRange([
                    new TrainLogHook(trainLog, tensorboard, classes.Names, task.LastClassWeights, Progress is null ? output : null,
                        config.Schedule.Iterations, config.Data.BatchSize, lossTermColumns),
                    new EvalLogHook(evalLog, tensorboard, output),
                    session.Best,
                    new CheckpointHook(run, checkpoints, session.Best),
                    new FinalMetricsHook(run, classes),
                ]);
            }
            session.Hooks = new TrainingHooks(hooks);
            return session;
        }
        catch
        {
            if (session is not null) session.Dispose();
            else
            {
                optimizer?.Dispose();
                run.Dispose();
            }
            throw;
        }
    }

    /// <summary>One optimisation step; on a log step, the loss and each loss term's value (NaN for a skipped batch).</summary>
    private (float Loss, double[] Terms) Step(ImageBatch batch, OptimizerHelper optimizer, double lr, int iteration, Tensor nonFinite,
        bool logging)
    {
        using var noCollection = NoCollectionRegion.Enter();
        using var scope = NewDisposeScope();
        // Dropout and any other global randomness depend only on (seed, step), so a resumed run replays the same draws.
        // Rank r > 0 of a distributed run draws its own stream; rank 0 draws what a single process draws.
        manual_seed(unchecked(config.Seed * 1_000_003L + iteration + 7_919L * Distributed.Rank));
        int g = 0;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr * lrMultipliers[g++];
        // A source built for this rank already holds its part of the batch; otherwise every rank keeps its slice.
        var part = train.Shard.IsWhole ? batch.Shard(Distributed.Rank, Distributed.Size) : batch;
        var (images, labels) = BatchTensors.From(part, device);
        var value = task.ComputeLoss(images, labels);
        int terms = logging ? lossTermColumns.Count : 0;
        var skipped = (float.NaN, LossTermColumns.Missing(terms));
        if (Distributed.Size > 1) return DistributedStep(value, labels, optimizer, nonFinite, logging, terms);
        if (config.Schedule.SkipNonfinite && !value.isfinite().item<bool>())
        {
            SkippedNonfinite++;
            return skipped; // no backward, no optimiser step: the weights stay as they were
        }
        optimizer.zero_grad();
        (lossScaler is null ? value : lossScaler.ScaleLoss(value)).backward();
        if (lossScaler is not null && !lossScaler.Update(lossScaler.Unscale(trainable.Select(p => p.grad))))
        {
            // fp16: the gradients overflowed at this scale; the scale backs off and the step is skipped. A non-finite loss is
            // still reported to the non-finite check (scaling cannot cure it).
            nonFinite.logical_or_(value.detach().isfinite().logical_not().reshape(1));
            return skipped;
        }
        if (config.Schedule.SkipNonfinite && !GradientsFinite())
        {
            SkippedNonfinite++;
            return skipped; // a finite loss with a non-finite gradient: stepping would make every later loss NaN
        }
        optimizer.step();
        nonFinite.logical_or_(value.detach().isfinite().logical_not().reshape(1));
        return logging ? (value.item<float>(), LossTermColumns.Read(loss, terms)) : (float.NaN, []);
    }

    /// <summary>
    /// One step of a data-parallel run: every rank back-propagates its shard's loss, the gradients are summed over the ranks in
    /// flat buckets and scaled so that they equal the gradient of the single-process loss of the whole batch (see
    /// <see cref="ShardCombination"/>, which the loss declares), then every rank takes the same optimiser step.
    /// </summary>
    /// <remarks>
    /// The logged loss terms (<paramref name="terms"/> of them on a log step, the same number on every rank) are combined like
    /// the loss: each rank's value times its weight, summed, divided by the same divisor, so their weighted sum stays the loss.
    /// </remarks>
    private (float Loss, double[] Terms) DistributedStep(Tensor value, Tensor labels, OptimizerHelper optimizer, Tensor nonFinite, bool logging,
        int terms)
    {
        var combination = ShardCombinations.Of(loss);
        // One host read for the local loss, the loss terms on a log step and, when the scaling needs it, the number of valid positions.
        var loss64 = value.detach().to_type(ScalarType.Float64).reshape(1);
        var termValues = terms == 0 ? null
            : LossTermColumns.Values(loss, terms) ?? tensor(LossTermColumns.Missing(terms), device: loss64.device);
        using var ignore = classes.IgnoreIndex.ToScalar();
        var local64 = termValues is null ? loss64 : cat([loss64, termValues]);
        var host = (combination == ShardCombination.ValidPositionMean
                ? cat([local64, labels.ne(ignore).sum().to_type(ScalarType.Float64).reshape(1)])
                : local64)
            .cpu().data<double>().ToArray();
        double local = host[0], weight = combination == ShardCombination.ValidPositionMean ? host[^1] : 1;
        bool finite = double.IsFinite(local);
        var totals = new double[3 + terms];
        (totals[0], totals[1], totals[2]) = (finite ? local * weight : 0, weight, finite ? 0 : 1);
        for (int t = 0; t < terms; t++) totals[3 + t] = host[1 + t] * weight;
        Distributed.AllReduceSum(totals);
        double divisor = combination switch
        {
            ShardCombination.Sum => 1,
            ShardCombination.ValidPositionMean => Math.Max(totals[1], 1),
            _ => Distributed.Size,
        };
        bool anyNonFinite = totals[2] > 0;
        var skipped = (float.NaN, LossTermColumns.Missing(terms));
        if (anyNonFinite && config.Schedule.SkipNonfinite)
        {
            SkippedNonfinite++;
            return skipped; // every rank skips the same step
        }
        optimizer.zero_grad();
        using var lossScale = weight.ToScalar();
        var weighted = weight == 1 ? value : value.mul(lossScale);
        (lossScaler is null ? weighted : lossScaler.ScaleLoss(weighted)).backward();
        new GradientAllReduce(Distributed, trainable).SumAndDivide(divisor);
        // The summed gradients are the same on every rank, so every rank takes the same decision.
        if (lossScaler is not null && !lossScaler.Update(lossScaler.Unscale(trainable.Select(p => p.grad))))
        {
            if (anyNonFinite) nonFinite.fill_(Scalars.True);
            return skipped;
        }
        if (config.Schedule.SkipNonfinite && !GradientsFinite())
        {
            SkippedNonfinite++;
            return skipped; // the summed gradients are the same on every rank, so every rank skips this step
        }
        optimizer.step();
        if (anyNonFinite) nonFinite.fill_(Scalars.True);
        if (!logging) return (float.NaN, []);
        if (anyNonFinite) return skipped;
        return ((float)(totals[0] / divisor), totals[3..].Select(t => t / divisor).ToArray());
    }

    private bool GradientsFinite()
    {
        using var scope = NewDisposeScope();
        var checks = trainable.Select(p => p.grad).Where(g => g is not null).Select(g => g!.isfinite().all()).ToArray();
        return checks.Length == 0 || stack(checks).all().item<bool>();
    }

    /// <summary>Rank 0's model and loss state (parameters, buffers) to every rank, so all ranks start from the same weights.</summary>
    private void BroadcastState(IDistributed distributed)
    {
        using var _ = no_grad();
        foreach (var module in new[] { model, loss })
            foreach (var (_, t) in module.state_dict())
            {
                if (t.is_contiguous())
                {
                    distributed.Broadcast(t);
                    continue;
                }
                using var copy = t.contiguous();
                distributed.Broadcast(copy);
                t.copy_(copy);
            }
    }

    private OptimizerHelper CreateOptimizer()
    {
        var o = config.Optimizer;
        var parameters = task.TrainableParameters().ToArray();
        trainable = parameters;
        if (parameters.Length == 0) throw new InvalidOperationException("the model has no trainable parameter (every parameter is frozen).");
        var groups = ParameterGroups.Split(model, parameters, o);
        lrMultipliers = groups.Select(g => g.LrMultiplier).ToArray();
        groupNames = groups.Select(g => g.Name).ToArray();
        groupSizes = groups.Select(g => g.Parameters.Count).ToArray();
        if (groups.Count > 1)
            output.WriteLine("optimizer groups: " + string.Join(", ", groups.Select(g => $"{g.Name} {g.Parameters.Count} tensors at lr × {g.LrMultiplier:G}")));
        if (groups.Count == 1)
            return o.Kind switch
            {
                OptimizerKind.Sgd => optim.SGD(parameters, o.LearningRate, o.Momentum, weight_decay: o.WeightDecay),
                _ => optim.Adam(parameters, o.LearningRate, weight_decay: o.WeightDecay),
            };
        // Every option is given per group: a group's own value wins over the optimiser's.
        return o.Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(groups.Select(g => new SGD.ParamGroup(g.Parameters, o.LearningRate * g.LrMultiplier, o.Momentum, weight_decay: o.WeightDecay)),
                o.LearningRate, o.Momentum, weight_decay: o.WeightDecay),
            _ => optim.Adam(groups.Select(g => new Adam.ParamGroup(g.Parameters, o.LearningRate * g.LrMultiplier, weight_decay: o.WeightDecay)),
                o.LearningRate, weight_decay: o.WeightDecay),
        };
    }
}
