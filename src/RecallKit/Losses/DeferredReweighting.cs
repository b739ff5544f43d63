namespace RecallKit.Losses;

/// <summary>
/// Deferred re-weighting (Cao et al. 2019): no class weights before <see cref="start_epoch"/>, class-balanced weights
/// (β = 0.9999 by default, normalised to Σ = C) from it on. Use with <see cref="LdamLoss.class_weights"/> or any weighted loss.
/// </summary>
/// <param name="class_counts">Training-set samples per class.</param>
/// <param name="start_epoch">First epoch (0-based) with weights; Cao et al. use 160 of 200 on CIFAR.</param>
/// <param name="beta">β of the class-balanced weights, in [0, 1).</param>
public sealed record DeferredReweighting(IReadOnlyList<long> class_counts, int start_epoch, double beta = 0.9999)
{
    private readonly double[] balanced = FrequencyWeights.ClassBalanced(class_counts, beta);

    /// <summary>Null (unweighted) before <see cref="start_epoch"/>, the class-balanced weights from it on.</summary>
    public IReadOnlyList<double>? WeightsFor(int epoch) => epoch >= start_epoch ? balanced : null;
}
