using System.Text.Json;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// The checks of a loss term's hyper-parameters, shared by the <c>loss</c> section's own keys (prefix <c>loss.</c>, for
/// <c>kind</c> / <c>plus_kind</c>) and each term of <c>loss.terms</c> (prefix <c>loss.terms[i].</c>): value ranges, and keys the
/// term's kind does not read (<see cref="LossOptions.IsReadBy(LossTerm)"/>, the same rule as the section's keys).
/// </summary>
public static class LossTermRules
{
    /// <summary>The key prefix of term <paramref name="index"/> of <c>loss.terms</c>.</summary>
    public static string Prefix(int index) => $"loss.terms[{index}].";

    /// <summary>
    /// One message per hyper-parameter of <paramref name="term"/> out of its range, the keys named after <paramref name="prefix"/>.
    /// </summary>
    public static IEnumerable<string> RangeProblems(LossTerm term, string prefix)
    {
        var problems = new List<string>();
        void Require(bool ok, string key, object? value, string expected)
        {
            if (!ok) problems.Add($"{prefix}{key} = {value} is invalid: expected {expected}.");
        }

        var ema = term.Metric.EmaAlpha;
        Require(ema is null || (ema > 0 && ema <= 1), "ema_alpha", ema, "in (0, 1], or null for batch statistics");
        Require(term.Focal.Gamma >= 0, "gamma", term.Focal.Gamma, "≥ 0");
        var beta = term.ClassBalanced.Beta;
        Require(beta is null || (beta >= 0 && beta < 1), "beta", beta, "in [0, 1), or null for auto");
        Require(term.Ohem.Keep > 0 && term.Ohem.Keep <= 1, "keep", term.Ohem.Keep, "in (0, 1]");
        Require(term.Ldam.MaxMargin >= 0, "ldam_max_margin", term.Ldam.MaxMargin, "≥ 0");
        Require(term.Ldam.Scale > 0, "ldam_scale", term.Ldam.Scale, "> 0");
        Require(term.Ldam.DrwStart is >= 0 and <= 1, "drw_start", term.Ldam.DrwStart, "in [0, 1]");
        Require(term.Tversky.Alpha >= 0 && double.IsFinite(term.Tversky.Alpha), "tversky_alpha", term.Tversky.Alpha, "a finite number ≥ 0");
        Require(term.Tversky.Beta >= 0 && double.IsFinite(term.Tversky.Beta), "tversky_beta", term.Tversky.Beta, "a finite number ≥ 0");
        Require(term.Ohem.Threshold is null || term.Ohem.Threshold is > 0 and <= 1, "ohem_threshold", term.Ohem.Threshold,
            "a probability in (0, 1], or null");
        Require(term.Ohem.MinKept >= 0, "ohem_min_kept", term.Ohem.MinKept, "≥ 0");
        Require(double.IsFinite(term.LogitAdjustment.Tau), "tau", term.LogitAdjustment.Tau, "a finite number");
        Require(term.Seesaw.P >= 0 && double.IsFinite(term.Seesaw.P), "seesaw_p", term.Seesaw.P, "a finite number ≥ 0");
        Require(term.Seesaw.Q >= 0 && double.IsFinite(term.Seesaw.Q), "seesaw_q", term.Seesaw.Q, "a finite number ≥ 0");
        var blend = term.RecallBlend;
        Require(blend.Blend is null or (>= 0 and <= 1), "recall_blend", blend.Blend, "λ in [0, 1], or null for the plain recall loss");
        Require(blend.Blend is not null || blend.Fixed == RecallBlendFixedWeights.ClassBalanced, "recall_blend_fixed",
            ConfigLoader.Name(blend.Fixed),
            $"left unset without {prefix}recall_blend (it names the weights the recall weights are blended with)");
        var alpha = term.Focal.Alpha;
        Require(alpha is null || alpha.All(a => a >= 0 && double.IsFinite(a)), "focal_alpha",
            alpha is null ? null : $"[{string.Join(", ", alpha)}]", "one finite weight ≥ 0 per class, or null");
        return problems;
    }

    /// <summary>
    /// The problems of <c>loss.terms</c>: its length, each term's weight, ranges and keys its kind does not read, LDAM alone.
    /// </summary>
    public static IEnumerable<string> Problems(LossConfig loss, bool classification)
    {
        if (loss.Terms is not { } terms) yield break;
        if (terms.Length == 0)
        {
            yield return "loss.terms = [] is invalid: expected at least one term, e.g. [{\"kind\": \"cross_entropy\"}], " +
                         "or leave it out for loss.kind.";
            yield break;
        }
        var defaults = new LossConfig();
        if (loss.Kind != defaults.Kind || loss.PlusKind is not null || loss.LossWeight != defaults.LossWeight
            || loss.PlusLossWeight != defaults.PlusLossWeight)
            yield return Together();
        for (int i = 0; i < terms.Length; i++)
        {
            var term = terms[i];
            string prefix = Prefix(i);
            if (!(term.Weight > 0 && double.IsFinite(term.Weight)))
                yield return $"{prefix}weight = {term.Weight} is invalid: expected a finite number > 0.";
            foreach (var problem in RangeProblems(term, prefix)) yield return problem;
            foreach (var problem in UnreadKeys(term, prefix)) yield return problem;
            if (term.Kind == LossKind.Ldam && !classification)
                yield return $"{prefix}kind = ldam is invalid: expected a segmentation loss (ldam is for classification).";
        }
        if (terms.Length > 1 && terms.Any(t => t.Kind == LossKind.Ldam))
            yield return "loss.terms is invalid: ldam only trains alone (a single term): its margins and deferred re-weighting act on " +
                         "the LDAM module itself.";
        else if (terms is [{ Kind: LossKind.Ldam, Weight: not 1 } ldam])
            yield return $"{Prefix(0)}weight = {ldam.Weight} is invalid: expected 1 for ldam, which only trains alone.";
    }

    /// <summary>The message for <c>loss.terms</c> set together with <c>loss.kind</c>, <c>plus_kind</c> or their weights.</summary>
    public static string Together() =>
        "loss.terms cannot be combined with loss.kind, loss.plus_kind, loss.loss_weight or loss.plus_loss_weight: with loss.terms, " +
        "every term names its own kind and weight. Remove those keys (or remove loss.terms).";

    /// <summary>The message for a <c>loss</c> section key that, with <c>loss.terms</c>, belongs in a term.</summary>
    public static string SectionKeyWithTerms(string key, string value) =>
        $"{key} = {value} has no effect here: with loss.terms every term has its own hyper-parameters; set it in the term that reads it " +
        $"(loss.terms[i].{key["loss.".Length..]}).";

    /// <summary>Whether <paramref name="key"/> (e.g. <c>loss.gamma</c>) is a hyper-parameter a term may have.</summary>
    public static bool IsTermOption(string key) =>
        key.StartsWith("loss.", StringComparison.Ordinal) && OptionKeys.Contains(key["loss.".Length..]);

    /// <summary>The option keys of a term (those of its option records), e.g. <c>gamma</c>.</summary>
    public static IReadOnlySet<string> OptionKeys { get; } = new LossTerm().Options
        .SelectMany(o => ConfigLoader.Options.GetTypeInfo(o.GetType()).Properties.Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Compact = new(ConfigLoader.Options) { WriteIndented = false };

    /// <summary>Keys of <paramref name="term"/> set away from their default that its kind does not read.</summary>
    private static IEnumerable<string> UnreadKeys(LossTerm term, string prefix)
    {
        var defaults = new LossTerm().Options.ToDictionary(o => o.GetType());
        foreach (var options in term.Options)
        {
            if (options.IsReadBy(term)) continue;
            var fallback = defaults[options.GetType()];
            foreach (var key in ConfigLoader.Options.GetTypeInfo(options.GetType()).Properties.Where(p => p.Get is not null))
            {
                string value = JsonSerializer.Serialize(key.Get!(options), key.PropertyType, Compact);
                if (value == JsonSerializer.Serialize(key.Get!(fallback), key.PropertyType, Compact)) continue;
                yield return $"{prefix}{key.Name} = {value} has no effect here: it is read only {options.TermCondition()}. " +
                             $"Remove it or change {prefix}kind (now {ConfigLoader.Name(term.Kind)}).";
            }
        }
    }
}
