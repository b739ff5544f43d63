using RecallKit.Losses;
using static TorchSharp.torch;

namespace RecallKit.Vision.Inference;

/// <summary>
/// Post-hoc logit adjustment of a trained classifier (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021,
/// Eq. 9): its logits minus τ·log π, π_c = n_c / Σn the training split's class frequencies, so that the arg-max no longer
/// favours the frequent classes. τ = 0 leaves the logits as they are.
/// </summary>
/// <remarks>
/// The network is held, not owned: it is not a registered child, so disposing the wrapper leaves it alive (a τ sweep wraps
/// one network many times); <see cref="train"/> / <c>eval()</c> are passed on to it. τ·log π is the buffer <c>offset</c> [C].
/// </remarks>
public sealed class LogitAdjustedClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> network;
    private readonly Tensor offset;

    /// <param name="network">A classifier mapping images to [N, C] logits.</param>
    /// <param name="class_counts">Training samples per class (length C, all &gt; 0: a class never seen in training has log π = −∞).</param>
    /// <param name="tau">τ ≥ 0.</param>
    public LogitAdjustedClassifier(nn.Module<Tensor, Tensor> network, IReadOnlyList<long> class_counts, double tau) : base(nameof(LogitAdjustedClassifier))
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!(tau >= 0) || !double.IsFinite(tau)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "the logit-adjustment τ must be a finite number ≥ 0.");
        this.network = network;
        this.tau = tau;
        var logPrior = ClassPriors.LogPrior(class_counts, "post-hoc logit adjustment");
        offset = tensor(logPrior.Select(v => tau * v).ToArray(), dtype: ScalarType.Float64).DetachFromDisposeScope();
        register_buffer(nameof(offset), offset);
    }

    /// <summary>τ.</summary>
    public double tau { get; }

    /// <summary>τ·log π_c, subtracted from the logits of class c.</summary>
    public double[] Offsets() => offset.data<double>().ToArray();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var logits = network.call(input);
        if (logits.ndim != 2 || logits.shape[1] != offset.shape[0])
            throw new InvalidDataException(
                $"post-hoc logit adjustment: the network returned logits of shape [{string.Join(",", logits.shape)}], expected [N,{offset.shape[0]}] (one count per class).");
        return logits.sub(offset.to(logits.dtype, logits.device).unsqueeze(0)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void train(bool train = true)
    {
        network.train(train);
        base.train(train);
    }
}
