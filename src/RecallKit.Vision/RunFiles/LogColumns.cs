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

    /// <summary>The header of train_log.csv for these classes.</summary>
    public static IReadOnlyList<string> TrainLog(IEnumerable<string> classNames) => [Step, Loss, LearningRate, .. classNames.Select(Weight)];

    /// <summary>The header of eval_log.csv: the step, then a task's evaluation columns (an evaluation's <c>ValueNames</c>).</summary>
    public static IReadOnlyList<string> EvalLog(IReadOnlyList<string> evaluationColumns) => [Step, .. evaluationColumns];
}
