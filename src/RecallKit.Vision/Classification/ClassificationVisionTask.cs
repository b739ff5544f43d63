using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Checks;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data.Prefetch;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Reports;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;

namespace RecallKit.Vision.Classification;

/// <summary>Image classification: a class per image (long-tailed datasets, decoupled stages, τ-normalisation).</summary>
public sealed class ClassificationVisionTask : IVisionTask
{
    /// <inheritdoc />
    public TaskKind Kind => TaskKind.Classification;

    /// <inheritdoc />
    public IReadOnlyList<string> EvaluationColumns => ClassificationEvaluation.ColumnNames;

    /// <inheritdoc />
    public IReadOnlyList<string> LogitDimensions { get; } = ["batch", "classes"];

    /// <inheritdoc />
    public TaskReport Report { get; } = new ClassificationReport();

    /// <inheritdoc />
    public TrainingResult Train(TrainConfig config, bool resume, TextWriter log, CancellationToken cancellation,
        IProgress<TrainingStatus>? progress, Func<TrainConfig, ProcessStartInfo>? data_worker, IDistributed distributed) =>
        ClassificationExperiment.Train(config, resume, log, cancellation, progress, data_worker, distributed);

    /// <inheritdoc />
    public void PrepareData(TrainConfig config, TextWriter log) => ConfiguredData.Classification(config.Data);

    /// <inheritdoc />
    public void ServeTrainBatches(TrainConfig config, TextReader input, Stream output, TextWriter log)
    {
        var batches = ClassificationExperiment.TrainBatches(config, ConfiguredData.Classification(config.Data));
        BatchWorker.Serve(batches, input, output, () => batches.SkippedFiles);
    }

    /// <inheritdoc />
    public string? DataFingerprint(TrainConfig config) => null;

    /// <inheritdoc />
    public DataCheckRun CheckData(DataConfig data, SplitCheckRunner run, TextWriter log)
    {
        var opened = ConfiguredData.Classification(data);
        return new DataCheckRun(opened.Train.ClassNames, ClassificationEvaluation.Unit,
        [
            run(data.TrainSplit, opened.Train.Count, p => DatasetChecker.Classification(opened.Train, data.TrainSplit, p)),
            run(data.ValSplit, opened.Val.Count, p => DatasetChecker.Classification(opened.Val, data.ValSplit, p)),
        ], []);
    }

    /// <inheritdoc />
    public (Evaluation Evaluation, string Split) Evaluate(TrainedModel model, EvaluationRequest request, TextWriter log)
    {
        if (!request.Inference.IsPlain) throw new ArgumentException("--window, --stride and --flip apply to segmentation models only.");
        var dataConfig = model.Config.Data with { Root = request.Root ?? model.Config.Data.Root, ValSplit = request.Split ?? model.Config.Data.ValSplit };
        var data = ConfiguredData.Classification(dataConfig);
        if (!data.Train.ClassNames.SequenceEqual(model.Classes.Names))
            throw new InvalidDataException($"the dataset has {data.Train.ClassNames.Count} classes, the model {model.Classes.Count}; evaluate on the dataset the model was trained on.");
        var batches = new ClassificationBatches(data.Val, dataConfig.EvalBatchSize, data.Augmentation, training: false);
        var network = PostHocLogitAdjustment.Network(model, request.LogitAdjust, request.Checkpoint, log);
        return (ClassificationEvaluator.Evaluate(network, batches, model.Classes.Count, request.Device, model.TrainingCounts ?? data.Train.SamplesPerClass()),
            dataConfig.ValSplit);
    }

    /// <inheritdoc />
    public void Predict(TrainedModel model, IReadOnlyList<string> files, PredictionRequest request, TextWriter log)
    {
        if (request.SaveProbabilities || !request.Inference.IsPlain)
            throw new ArgumentException("--window, --flip and --save-probs apply to segmentation models only.");
        ClassificationPrediction.Run(model, PostHocLogitAdjustment.Network(model, request.LogitAdjust, request.Checkpoint, log), files, request, log);
    }
}
