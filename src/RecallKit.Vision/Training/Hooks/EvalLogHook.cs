using RecallKit.Vision.RunFiles;
using TorchSharp.Modules;

namespace RecallKit.Vision.Training.Hooks;

/// <summary>
/// After every evaluation (rank 0): a row of eval_log.csv, the finite values in TensorBoard (<c>val/&lt;column&gt;</c>) and the
/// console line <c>eval @ step: summary</c>.
/// </summary>
/// <param name="log">eval_log.csv (columns <see cref="LogColumns.EvalLog"/>).</param>
/// <param name="tensorboard">The run's TensorBoard writer.</param>
/// <param name="console">Where the evaluation line goes.</param>
public sealed class EvalLogHook(CsvLog log, SummaryWriter tensorboard, TextWriter console) : ITrainingHook
{
    /// <inheritdoc />
    public void AfterEvaluation(EvaluationContext evaluation)
    {
        int at = evaluation.Iteration;
        var result = evaluation.Evaluation;
        var values = result.Values;
        log.Append(at, values);
        var columns = result.ValueNames;
        for (int c = 0; c < columns.Count; c++)
            if (double.IsFinite(values[c])) tensorboard.add_scalar($"val/{columns[c]}", (float)values[c], at);
        console.WriteLine($"eval @ {at}: {result.Summary}");
    }
}
