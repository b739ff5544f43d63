namespace RecallKit.Vision.Training.Hooks;

/// <summary>Where a cancelled run stopped.</summary>
/// <param name="Iteration">Steps completed.</param>
/// <param name="EvaluationPending">The evaluation of <paramref name="Iteration"/> was interrupted: a resumed run runs it first.</param>
public sealed record StopContext(int Iteration, bool EvaluationPending);
