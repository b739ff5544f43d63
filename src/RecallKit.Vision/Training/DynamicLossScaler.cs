using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// Dynamic loss scaling for float16 training, PyTorch's <c>GradScaler</c>: the loss is multiplied by <see cref="Scale"/> before
/// the backward pass so that small float16 gradients do not flush to zero; the gradients are divided by it again before anything
/// reads them (the optimiser, a finiteness check, clipping); a step whose gradients overflowed (any NaN or ∞) is skipped and the
/// scale backs off; after <c>growth_interval</c> steps in a row without overflow the scale grows.
/// </summary>
/// <param name="initial_scale">The first scale (PyTorch: 65536).</param>
/// <param name="growth_factor">Multiplies the scale after <paramref name="growth_interval"/> good steps (PyTorch: 2).</param>
/// <param name="backoff_factor">Multiplies the scale after an overflow (PyTorch: 0.5).</param>
/// <param name="growth_interval">Good steps in a row before the scale grows (PyTorch: 2000).</param>
public sealed class DynamicLossScaler(double initial_scale = 65536, double growth_factor = 2, double backoff_factor = 0.5, int growth_interval = 2000)
{
    /// <summary>The factor the loss is multiplied by.</summary>
    public double Scale { get; private set; } = initial_scale > 0 && double.IsFinite(initial_scale)
        ? initial_scale : throw new ArgumentOutOfRangeException(nameof(initial_scale), initial_scale, "the scale must be positive and finite.");

    /// <summary>Steps without overflow since the scale last changed.</summary>
    public int GoodSteps { get; private set; }

    /// <summary>Steps skipped because their gradients overflowed.</summary>
    public int SkippedSteps { get; private set; }

    private readonly double growth = growth_factor > 1 ? growth_factor
        : throw new ArgumentOutOfRangeException(nameof(growth_factor), growth_factor, "growth_factor must be above 1.");
    private readonly double backoff = backoff_factor is > 0 and < 1 ? backoff_factor
        : throw new ArgumentOutOfRangeException(nameof(backoff_factor), backoff_factor, "backoff_factor must be in (0, 1).");
    private readonly int interval = growth_interval >= 1 ? growth_interval
        : throw new ArgumentOutOfRangeException(nameof(growth_interval), growth_interval, "growth_interval must be at least 1.");

    /// <summary>The loss times <see cref="Scale"/> (back-propagate this one).</summary>
    public Tensor ScaleLoss(Tensor loss)
    {
        using var scale = Scale.ToScalar();
        return loss.mul(scale);
    }

    /// <summary>
    /// Divides every gradient by <see cref="Scale"/> in place and reports whether all of them are finite (one host read).
    /// Call once per step, after the backward pass (and after the gradients are summed over ranks) and before they are read.
    /// </summary>
    public bool Unscale(IEnumerable<Tensor?> gradients)
    {
        using var scope = NewDisposeScope();
        using var inverse = (1 / Scale).ToScalar();
        var checks = new List<Tensor>();
        foreach (var g in gradients)
        {
            if (g is null) continue;
            g.mul_(inverse);
            checks.Add(g.isfinite().all());
        }
        return checks.Count == 0 || stack(checks).all().item<bool>();
    }

    /// <summary>
    /// Records the step's outcome: after an overflow the step must be skipped and the scale backs off; after
    /// <c>growth_interval</c> good steps in a row it grows. Returns <paramref name="finite"/> (whether to take the step).
    /// </summary>
    public bool Update(bool finite)
    {
        if (!finite)
        {
            Scale *= backoff;
            GoodSteps = 0;
            SkippedSteps++;
            return false;
        }
        if (++GoodSteps == interval)
        {
            Scale *= growth;
            GoodSteps = 0;
        }
        return true;
    }
}
