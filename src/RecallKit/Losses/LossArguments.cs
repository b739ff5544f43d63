namespace RecallKit.Losses;

/// <summary>Checks of scalar hyper-parameters shared by a loss's constructor and its functional form.</summary>
internal static class LossArguments
{
    public static void Gamma(double gamma)
    {
        if (!(gamma >= 0) || !double.IsFinite(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be a finite number ≥ 0.");
    }

    public static void EmaAlpha(double? ema_alpha)
    {
        if (ema_alpha is { } a && !(a > 0 && a <= 1))
            throw new ArgumentOutOfRangeException(nameof(ema_alpha), a, "ema_alpha must be in (0, 1], or null for batch mode.");
    }

    public static void Ohem(double keep, long min_kept, double? threshold)
    {
        if (!(keep > 0 && keep <= 1)) throw new ArgumentOutOfRangeException(nameof(keep), keep, "keep must be in (0, 1].");
        if (min_kept < 0) throw new ArgumentOutOfRangeException(nameof(min_kept), min_kept, "min_kept must be ≥ 0.");
        if (threshold is { } th && !(th > 0 && th < 1)) throw new ArgumentOutOfRangeException(nameof(threshold), th, "threshold must be in (0, 1).");
    }

    public static void Smooth(double smooth)
    {
        if (!(smooth >= 0)) throw new ArgumentOutOfRangeException(nameof(smooth), smooth, "smooth must be ≥ 0.");
    }

    public static void LdamScale(double s)
    {
        if (!(s > 0)) throw new ArgumentOutOfRangeException(nameof(s), s, "s must be > 0.");
    }

    public static void Tau(double tau)
    {
        if (!double.IsFinite(tau)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "τ must be a finite number.");
    }

    public static void Seesaw(double p, double q, double eps)
    {
        if (!(p >= 0) || !double.IsFinite(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be a finite number ≥ 0.");
        if (!(q >= 0) || !double.IsFinite(q)) throw new ArgumentOutOfRangeException(nameof(q), q, "q must be a finite number ≥ 0.");
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be a finite number > 0.");
    }

    public static void OhemSampler(double? thresh, long min_kept)
    {
        if (thresh is { } t && !(t > 0 && t < 1)) throw new ArgumentOutOfRangeException(nameof(thresh), t, "thresh must be in (0, 1), or null to rank by loss.");
        if (min_kept < 0) throw new ArgumentOutOfRangeException(nameof(min_kept), min_kept, "min_kept must be ≥ 0.");
    }
}
