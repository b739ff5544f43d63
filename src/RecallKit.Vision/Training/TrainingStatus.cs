namespace RecallKit.Vision.Training;

/// <summary>Where a run is after a step, for progress displays.</summary>
/// <param name="Run">The run directory's name.</param>
/// <param name="Iteration">Steps completed.</param>
/// <param name="Total">Steps in the run.</param>
/// <param name="Loss">Loss of the last logged step (NaN before the first log step).</param>
/// <param name="LearningRate">Learning rate of the step.</param>
/// <param name="ImagesPerSecond">Throughput since the run (re)started.</param>
public sealed record TrainingStatus(string Run, int Iteration, int Total, double Loss, double LearningRate, double ImagesPerSecond);
