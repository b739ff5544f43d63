using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Training;

/// <summary>Trains whatever a config describes: a segmentation or a classification run, chosen by <c>data.kind</c>.</summary>
public static class Experiment
{
    /// <summary>Trains (or resumes) the run described by <paramref name="config"/>.</summary>
    public static TrainingResult Train(TrainConfig config, bool resume, TextWriter log, CancellationToken cancellation = default,
        IProgress<TrainingStatus>? progress = null)
    {
        if (config.Device == DeviceKind.Cuda && !TorchSharp.torch.cuda.is_available())
            throw new InvalidOperationException("device = cuda, but CUDA is not available in this build of libtorch (the CPU package is referenced); use device = cpu.");
        return ClassificationDatasets.IsClassification(config.Data.Kind)
            ? ClassificationExperiment.Train(config, resume, log, cancellation, progress)
            : SegmentationExperiment.Train(config, resume, log, cancellation, progress);
    }
}
