namespace RecallKit.Vision.Training.Hooks;

/// <summary>An evaluation of the model after <paramref name="Iteration"/> steps.</summary>
/// <param name="Iteration">Steps completed when the model was evaluated.</param>
/// <param name="Evaluation">The metrics (counts summed over every rank).</param>
public sealed record EvaluationContext(int Iteration, Evaluation Evaluation);
