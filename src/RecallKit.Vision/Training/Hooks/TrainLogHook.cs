using RecallKit.Vision.RunFiles;
using TorchSharp.Modules;

namespace RecallKit.Vision.Training.Hooks;

/// <summary>
/// At every log step (rank 0): a row of train_log.csv (step, loss, learning rate, class weights, then each loss term's value),
/// the same scalars in TensorBoard (<c>train/loss</c>, <c>train/lr</c>, <c>class_weight/&lt;class&gt;</c>,
/// <c>train/loss/0_&lt;kind&gt;</c>, …) and, without a progress display, a console line.
/// </summary>
/// <param name="log">train_log.csv (columns <see cref="LogColumns.TrainLog(IEnumerable{string}, IEnumerable{string})"/>).</param>
/// <param name="tensorboard">The run's TensorBoard writer.</param>
/// <param name="classNames">Class names, in the order of <paramref name="classWeights"/>.</param>
/// <param name="classWeights">The loss's current per-class weights (e.g. 1 − recall; NaN for a loss without weights).</param>
/// <param name="console">Where the step line goes; null when a progress display shows the steps.</param>
/// <param name="iterations">Steps of the whole run (<c>schedule.iterations</c>), for the ETA.</param>
/// <param name="batchSize">Images per step (<c>data.batch_size</c>), for the rate.</param>
/// <param name="lossTerms">
/// The loss-term columns (<see cref="LossTermColumns.Of"/>), in the order of <see cref="StepContext.LossTerms"/>.
/// </param>
public sealed class TrainLogHook(CsvLog log, SummaryWriter tensorboard, IReadOnlyList<string> classNames, Func<double[]> classWeights,
    TextWriter? console, int iterations, int batchSize, IReadOnlyList<string>? lossTerms = null) : ITrainingHook
{
    private readonly IReadOnlyList<string> termColumns = lossTerms ?? [];

    /// <inheritdoc />
    public void AfterStep(StepContext step)
    {
        if (!step.Logs) return;
        int iteration = step.Iteration;
        var weights = classWeights();
        var terms = step.LossTerms.Count == termColumns.Count ? step.LossTerms : LossTermColumns.Missing(termColumns.Count);
        log.Append(iteration, [step.Loss, step.LearningRate, .. weights, .. terms]);
        tensorboard.add_scalar("train/loss", step.Loss, iteration);
        for (int t = 0; t < terms.Count; t++)
            if (double.IsFinite(terms[t])) tensorboard.add_scalar($"train/{termColumns[t]}", (float)terms[t], iteration);
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
