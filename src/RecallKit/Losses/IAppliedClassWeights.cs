namespace RecallKit.Losses;

/// <summary>
/// A loss that can say which per-class weights w_c it applied: the batch weights of the metric-weighted losses (1 − recall, …),
/// the fixed weights of the frequency-based ones, or those of a part of a composite loss. For logs and weight curves.
/// </summary>
public interface IAppliedClassWeights
{
    /// <summary>
    /// The per-class weights [C] the loss applied in its last forward (for fixed weights: the ones every forward applies),
    /// copied to the host as float64; null when it applies none.
    /// </summary>
    double[]? applied_class_weights();
}
