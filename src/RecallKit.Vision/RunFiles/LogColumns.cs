namespace RecallKit.Vision.RunFiles;

/// <summary>Column names of a run's CSV logs, shared by the trainer that writes them and every reader.</summary>
public static class LogColumns
{
    /// <summary>Steps completed when the row was written (both logs).</summary>
    public const string Step = "step";

    /// <summary>train_log.csv: the training loss of the logged step.</summary>
    public const string Loss = "loss";

    /// <summary>train_log.csv: the learning rate of the logged step.</summary>
    public const string LearningRate = "lr";

    /// <summary>train_log.csv: prefix of the per-class weight columns (<c>w_&lt;class&gt;</c>, e.g. 1 − recall).</summary>
    public const string WeightPrefix = "w_";

    /// <summary>The weight column of a class (commas and spaces in the name become underscores).</summary>
    public static string Weight(string className) => WeightPrefix + className.Replace(',', '_').Replace(' ', '_');

    /// <summary>
    /// train_log.csv: prefix of the per-term loss columns (<c>loss/&lt;index&gt;_&lt;kind&gt;</c>, e.g. <c>loss/1_dice</c>).
    /// </summary>
    public const string LossTermPrefix = "loss/";

    /// <summary>
    /// The column of term <paramref name="index"/> (from 0, in the order of <c>loss.terms</c>) of kind <paramref name="kind"/>: its
    /// unweighted value, so that Σ weight_i · <c>loss/i_kind</c> = <see cref="Loss"/>.
    /// </summary>
    public static string LossTerm(int index, string kind) => $"{LossTermPrefix}{index}_{kind}";

    /// <summary>The header of train_log.csv for these classes.</summary>
    public static IReadOnlyList<string> TrainLog(IEnumerable<string> classNames) => TrainLog(classNames, []);

    /// <summary>
    /// The header of train_log.csv for these classes and loss terms (<see cref="LossTerm"/>): the term columns come last, so a
    /// log written without them is a prefix of it (<see cref="CsvLog"/> keeps its rows on resume).
    /// </summary>
    public static IReadOnlyList<string> TrainLog(IEnumerable<string> classNames, IEnumerable<string> lossTerms) =>
        [Step, Loss, LearningRate, .. classNames.Select(Weight), .. lossTerms];

    /// <summary>The header of eval_log.csv: the step, then a task's evaluation columns (an evaluation's <c>ValueNames</c>).</summary>
    public static IReadOnlyList<string> EvalLog(IReadOnlyList<string> evaluationColumns) => [Step, .. evaluationColumns];
}
