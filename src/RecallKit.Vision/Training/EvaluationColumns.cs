namespace RecallKit.Vision.Training;

/// <summary>The eval_log.csv columns of one kind of evaluation: each column's name next to the field it logs.</summary>
/// <typeparam name="TEvaluation">The evaluation type.</typeparam>
/// <param name="columns">Name and field of every column, in log order.</param>
internal sealed class EvaluationColumns<TEvaluation>(IReadOnlyList<(string Name, Func<TEvaluation, double> Field)> columns)
{
    /// <summary>The column names, in log order.</summary>
    public IReadOnlyList<string> Names { get; } = columns.Select(c => c.Name).ToArray();

    /// <summary>The values of <paramref name="evaluation"/>, in log order.</summary>
    public double[] ValuesOf(TEvaluation evaluation) => columns.Select(c => c.Field(evaluation)).ToArray();
}
