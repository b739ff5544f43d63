using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Checks;
using RecallKit.Vision.Data.Prefetch;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Inference;
using RecallKit.Vision.Reports;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Vision.Segmentation;

/// <summary>Semantic segmentation: a class per pixel.</summary>
public sealed class SegmentationVisionTask : IVisionTask
{
    /// <inheritdoc />
    public TaskKind Kind => TaskKind.Segmentation;

    /// <inheritdoc />
    public IReadOnlyList<string> EvaluationColumns => SegmentationEvaluation.ColumnNames;

    /// <inheritdoc />
    public IReadOnlyList<string> LogitDimensions { get; } = ["batch", "classes", "height", "width"];

    /// <inheritdoc />
    public TaskReport Report { get; } = new SegmentationReport();

    /// <inheritdoc />
    public TrainingResult Train(TrainConfig config, bool resume, TextWriter log, CancellationToken cancellation,
        IProgress<TrainingStatus>? progress, Func<TrainConfig, ProcessStartInfo>? data_worker, IDistributed distributed) =>
        SegmentationExperiment.Train(config, resume, log, cancellation, progress, data_worker, distributed);

    /// <inheritdoc />
    public void PrepareData(TrainConfig config, TextWriter log)
    {
        var trainSet = ConfiguredData.Segmentation(config.Data, config.Data.TrainSplit, log);
        ConfiguredData.Segmentation(config.Data, config.Data.ValSplit, log);
        if (LossFactory.NeedsClassCounts(config.Loss)) TrainingSplitCounts.Get(trainSet, config.Data.Root, config.Data.TrainSplit, config.Data.SkipBadFiles);
    }

    /// <inheritdoc />
    public void ServeTrainBatches(TrainConfig config, TextReader input, Stream output, TextWriter log)
    {
        var batches = SegmentationExperiment.TrainBatches(config, ConfiguredData.Segmentation(config.Data, config.Data.TrainSplit, log));
        BatchWorker.Serve(batches, input, output, () => batches.SkippedFiles);
    }

    /// <inheritdoc />
    public string? DataFingerprint(TrainConfig config) => SegmentationExperiment.DataFingerprint(
        ConfiguredData.Segmentation(config.Data, config.Data.TrainSplit), ConfiguredData.Segmentation(config.Data, config.Data.ValSplit));

    /// <inheritdoc />
    public DataCheckRun CheckData(DataConfig data, SplitCheckRunner run, TextWriter log)
    {
        var checks = new List<SplitCheck>();
        var fatal = new List<string>();
        IReadOnlyList<string> names = [];
        foreach (var split in new[] { data.TrainSplit, data.ValSplit })
        {
            ISegmentationDataset dataset;
            try
            {
                dataset = ConfiguredData.Segmentation(data, split, log);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                fatal.Add($"split '{split}' cannot be opened: {e.Message}");
                continue;
            }
            names = dataset.Classes.Names;
            checks.Add(run(split, dataset.Count, p => DatasetChecker.Segmentation(dataset, split, p)));
        }
        return new DataCheckRun(names, SegmentationEvaluation.Unit, checks, fatal);
    }

    /// <inheritdoc />
    public (Evaluation Evaluation, string Split) Evaluate(TrainedModel model, EvaluationRequest request, TextWriter log)
    {
        RejectLogitAdjustment(request.LogitAdjust);
        var data = model.Config.Data;
        var dataConfig = request.Root is { } root
            ? data with { Root = root, Kind = data.Kind == DatasetKind.Synthetic ? DatasetKind.Folder : data.Kind }
            : data;
        var splitName = request.Split ?? dataConfig.ValSplit;
        var dataset = ConfiguredData.Segmentation(dataConfig, splitName, log);
        if (!dataset.Classes.Names.SequenceEqual(model.Classes.Names))
            throw new InvalidDataException($"the dataset's classes ({string.Join(", ", dataset.Classes.Names)}) differ from the model's ({string.Join(", ", model.Classes.Names)}).");
        var batches = new DatasetBatches(dataset, dataConfig.EvalBatchSize, null, 0);
        if (!request.Inference.IsPlain) log.WriteLine($"inference: {request.Inference.Describe()}");
        using var network = new TestTimeSegmentation(model.Network, request.Inference);
        using var matrix = SegmentationEvaluator.Evaluate(network, batches, model.Classes.Count, model.Classes.IgnoreIndex, request.Device);
        return (new SegmentationEvaluation(matrix.compute()), splitName);
    }

    /// <inheritdoc />
    public void Predict(TrainedModel model, IReadOnlyList<string> files, PredictionRequest request, TextWriter log)
    {
        RejectLogitAdjustment(request.LogitAdjust);
        SegmentationPrediction.Run(model, files, request, log);
    }

    private static void RejectLogitAdjustment(double? tau)
    {
        if (tau is not null) throw new ArgumentException("--logit-adjust applies to classification models only.");
    }
}
