using RecallKit.Vision.Configuration;
using RecallKit.Vision.Inference;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Vision.Classification;

/// <summary>
/// <c>--logit-adjust TAU</c> for eval and predict: the logits minus τ·log π before the arg-max, π from the training split's
/// class counts the checkpoint records. A checkpoint of a <c>model.stage = logit_adjust</c> run is adjusted with its own τ
/// without the option.
/// </summary>
internal static class PostHocLogitAdjustment
{
    /// <summary>
    /// The network to run: <paramref name="model"/>'s own, or wrapped in a <see cref="LogitAdjustedClassifier"/> when
    /// <paramref name="tau"/> is given or the checkpoint is a logit-adjustment stage's. The wrapper does not own the network.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Network(TrainedModel model, double? tau, string checkpoint, TextWriter log)
    {
        bool stage = model.Config.Model.Stage == TrainingStage.LogitAdjust;
        if (tau is null && !stage) return model.Network;
        if (tau is not null && stage)
            throw new ArgumentException($"{checkpoint} is a model.stage = logit_adjust run: its logits are already adjusted with τ = {model.Config.Model.Tau}; leave out --logit-adjust.");
        double value = tau ?? model.Config.Model.Tau ?? throw new InvalidDataException($"{checkpoint}: a logit_adjust run that records no τ (model.tau).");
        if (!(value >= 0) || !double.IsFinite(value)) throw new ArgumentException($"--logit-adjust = {value} is invalid: expected a finite number ≥ 0.");
        var counts = model.TrainingCounts
            ?? throw new InvalidDataException($"{checkpoint} records no training class counts, so the class prior π of --logit-adjust is unknown; use a checkpoint written by train.");
        for (int c = 0; c < counts.Length; c++)
            if (counts[c] <= 0)
                throw new InvalidDataException($"--logit-adjust: class {c} ({model.Classes.Names[c]}) had no training samples ({checkpoint}), so log π = −∞.");
        log.WriteLine($"post-hoc logit adjustment: logits − {value:R}·log π (training split's class frequencies)");
        return new LogitAdjustedClassifier(model.Network, counts, value);
    }
}
