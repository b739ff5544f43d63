namespace RecallKit.Vision.Training.Hooks;

/// <summary>Reports a <see cref="TrainingStatus"/> after every step (rank 0): the run's name, the step, the last logged loss, the rate.</summary>
/// <param name="progress">Receives the statuses.</param>
/// <param name="runDirectory">The run directory; its last two components name the run.</param>
/// <param name="iterations">Steps of the whole run (<c>schedule.iterations</c>).</param>
/// <param name="batchSize">Images per step (<c>data.batch_size</c>, all ranks together).</param>
public sealed class ProgressReportHook(IProgress<TrainingStatus> progress, string runDirectory, int iterations, int batchSize) : ITrainingHook
{
    private readonly string name = RunName(runDirectory);
    private double lastLoss = double.NaN;

    /// <inheritdoc />
    public void AfterStep(StepContext step)
    {
        if (!float.IsNaN(step.Loss)) lastLoss = step.Loss;
        progress.Report(new TrainingStatus(name, step.Iteration, iterations, lastLoss, step.LearningRate,
            step.StepsThisRun * (double)batchSize / step.Elapsed.TotalSeconds));
    }

    /// <summary>The last two components of the run directory (e.g. <c>recall/seed-0</c>), for progress displays.</summary>
    public static string RunName(string root)
    {
        var parent = Path.GetFileName(Path.GetDirectoryName(root));
        return string.IsNullOrEmpty(parent) ? Path.GetFileName(root) : $"{parent}/{Path.GetFileName(root)}";
    }
}
