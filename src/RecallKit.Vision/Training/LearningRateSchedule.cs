namespace RecallKit.Vision.Training;

/// <summary>Linear warm-up to the base rate, then poly decay: base·(1 − (t − w)/(T − w))^power.</summary>
/// <param name="BaseRate">Learning rate reached at the end of warm-up.</param>
/// <param name="Iterations">Total steps T.</param>
/// <param name="WarmupIterations">Warm-up steps w.</param>
/// <param name="Power">Poly power.</param>
public sealed record LearningRateSchedule(double BaseRate, int Iterations, int WarmupIterations, double Power)
{
    /// <summary>Learning rate for 0-based step <paramref name="iteration"/>.</summary>
    public double At(int iteration)
    {
        if (iteration < WarmupIterations) return BaseRate * (iteration + 1) / WarmupIterations;
        double progress = (double)(iteration - WarmupIterations) / Math.Max(1, Iterations - WarmupIterations);
        return BaseRate * Math.Pow(Math.Max(0, 1 - progress), Power);
    }
}
