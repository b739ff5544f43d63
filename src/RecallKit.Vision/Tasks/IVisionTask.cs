using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Inference;
using RecallKit.Vision.Reports;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Vision.Tasks;

/// <summary>
/// Everything that differs between segmentation and classification, chosen once from <c>data.kind</c> or a model's
/// architecture (<c>Experiments/VisionTasks</c>): training a config, its data worker, evaluating and predicting with a
/// trained model, the evaluation log's columns, the ONNX output and the comparison report. The implementations live in
/// <c>Vision/Segmentation</c> and <c>Vision/Classification</c>; nothing else decides between the tasks.
/// </summary>
public interface IVisionTask
{
    /// <summary>Segmentation or classification (the value recorded in exported model descriptions).</summary>
    TaskKind Kind { get; }

    /// <summary>The columns of eval_log.csv after the step (new columns go at the end; readers look them up by name).</summary>
    IReadOnlyList<string> EvaluationColumns { get; }

    /// <summary>The names of the logits' dimensions, e.g. batch, classes, height, width (the ONNX output's shape).</summary>
    IReadOnlyList<string> LogitDimensions { get; }

    /// <summary>The comparison report's task-specific parts (table, paired metrics, curves, wording).</summary>
    TaskReport Report { get; }

    /// <summary>Trains (or resumes) the run described by <paramref name="config"/> as this rank of <paramref name="distributed"/>.</summary>
    TrainingResult Train(TrainConfig config, bool resume, TextWriter log, CancellationToken cancellation,
        IProgress<TrainingStatus>? progress, Func<TrainConfig, ProcessStartInfo>? data_worker, IDistributed distributed);

    /// <summary>Prepares what every rank of a data-parallel run reads (generated data, cached class counts); rank 0 calls it alone.</summary>
    void PrepareData(TrainConfig config, TextWriter log);

    /// <summary>The data worker's side: serves the training batches of <paramref name="config"/>.</summary>
    void ServeTrainBatches(TrainConfig config, TextReader input, Stream output, TextWriter log);

    /// <summary>What the label files of the run's splits were when it started (data_fingerprint.txt); null when the task records none.</summary>
    string? DataFingerprint(TrainConfig config);

    /// <summary>Reads every sample of the training and validation splits once (<c>recallkit data check</c>).</summary>
    DataCheckRun CheckData(DataConfig data, SplitCheckRunner run, TextWriter log);

    /// <summary>Evaluates <paramref name="model"/> on a split (eval).</summary>
    /// <returns>The evaluation and the name of the split evaluated.</returns>
    (Evaluation Evaluation, string Split) Evaluate(TrainedModel model, EvaluationRequest request, TextWriter log);

    /// <summary>Predicts every file with <paramref name="model"/> and writes the task's outputs to <see cref="PredictionRequest.Output"/>.</summary>
    void Predict(TrainedModel model, IReadOnlyList<string> files, PredictionRequest request, TextWriter log);
}

/// <summary>What <c>recallkit eval</c> asks of a task.</summary>
/// <param name="Root">Dataset root (null: the training config's).</param>
/// <param name="Split">Split (null: the training config's validation split).</param>
/// <param name="Inference">Sliding window and flips (segmentation only).</param>
/// <param name="Device">Where the model runs.</param>
/// <param name="Checkpoint">The checkpoint's path (for messages).</param>
/// <param name="LogitAdjust">Classifiers: post-hoc logit adjustment τ (<c>--logit-adjust</c>); null for none.</param>
public sealed record EvaluationRequest(string? Root, string? Split, InferenceSettings Inference, Device Device, string Checkpoint, double? LogitAdjust = null);

/// <summary>What <c>recallkit predict</c> asks of a task.</summary>
/// <param name="Output">Output directory (exists).</param>
/// <param name="Top">Classifiers: how many classes to print per image.</param>
/// <param name="SaveProbabilities">Segmentation: also write the softmax as .npy.</param>
/// <param name="Inference">Sliding window and flips (segmentation only).</param>
/// <param name="Device">Where the model runs.</param>
/// <param name="Checkpoint">The checkpoint's path (for messages).</param>
/// <param name="LogitAdjust">Classifiers: post-hoc logit adjustment τ (<c>--logit-adjust</c>); null for none.</param>
public sealed record PredictionRequest(string Output, int Top, bool SaveProbabilities, InferenceSettings Inference, Device Device, string Checkpoint,
    double? LogitAdjust = null);
