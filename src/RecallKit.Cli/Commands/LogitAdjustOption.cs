using System.CommandLine;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>--logit-adjust TAU</c> for classification eval and predict (the classification task applies it: its
/// <c>PostHocLogitAdjustment</c>).
/// </summary>
internal static class LogitAdjustOption
{
    public static Option<double?> Create() => new("--logit-adjust")
    {
        Description = "Classifiers: post-hoc logit adjustment (Menon et al. 2021), subtract TAU·log π (π: the training split's class frequencies recorded in the checkpoint) from the logits before the arg-max.",
    };
}
