using RecallKit.Vision.RunFiles;
using TorchSharp.Modules;

namespace RecallKit.Vision.Training.Hooks;

/// <summary>
/// At every log step (rank 0): a row of train_log.csv (step, loss, learning rate, class weights), the same scalars in
/// TensorBoard (<c>train/loss</c>, <c>train/lr</c>, <c>class_weight/&lt;class&gt;</c>) and, without a progress display, a console line.
/// </summary>
/// <param name="log">train_log.csv (columns <see cref="LogColumns.TrainLog"/>).</param>
/// <param name="tensorboard">The run's TensorBoard writer.</param>
/// <param name="classNames">Class names, in the order of <paramref name="classWeights"/>.</param>
/// <param name="classWeights">The loss's current per-class weights (e.g. 1 − recall; NaN for a loss without weights).</param>
/// <param name="console">Where the step line goes; null when a progress display shows the steps.</param>
/// <param name="iterations">Steps of the whole run (<c>schedule.iterations</c>), for the ETA.</param>
/// <param name="batchSize">Images per step (<c>data.batch_size</c>), for the rate.</param>
public sealed class TrainLogHook(CsvLog log, SummaryWriter tensorboard, IReadOnlyList<string> classNames, Func<double[]> classWeights,
    TextWriter? console, int iterations, int batchSize) : ITrainingHook
{
    /// <inheritdoc />
    public void AfterStep(StepContext step)
    {
        if (!step.Logs) return;
        int iteration = step.Iteration;
        var weights = classWeights();
        log.Append(iteration, [step.Loss, step.LearningRate, .. weights]);
        tensorboard.add_scalar("train/loss", step.Loss, iteration);
        tensorboard.add_scalar("train/lr", (float)step.LearningRate, iteration);
        for (int c = 0; c < weights.Length; c++)
            if (double.IsFinite(weights[c])) tensorboard.add_scalar($"class_weight/{classNames[c]}", (float)weights[c], iteration);
        if (console is null) return;
        double seconds = step.Elapsed.TotalSeconds;
        double rate = step.StepsThisRun * (double)batchSize / seconds;
        var eta = TimeSpan.FromSeconds((iterations - iteration) * seconds / step.StepsThisRun);
        console.WriteLine($"step {iteration}/{iterations}  loss {step.Loss:F4}  lr {step.LearningRate:G3}  {rate:F1} img/s  eta {eta:mm\\:ss}");
    }
}
