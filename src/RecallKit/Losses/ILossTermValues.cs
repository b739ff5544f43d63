using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>A loss made of weighted terms, Σ a_i·L_i, that keeps each term's value of its last call (for logs).</summary>
public interface ILossTermValues
{
    /// <summary>
    /// The unweighted value of each term L_i in the last call, [T], detached: a new tensor the caller disposes. Null before the
    /// first call, or when the last call gave per-position values (reduction None).
    /// </summary>
    Tensor? last_term_values();
}
