using RecallKit.Vision.Data;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Configuration;

/// <summary>Range checks of hyper-parameters; every message names the key, the value and the allowed range.</summary>
public static class ConfigValidation
{
    /// <summary>Largest <c>data.workers</c>: each worker is a process holding the split's index and a batch.</summary>
    public const int MaxWorkers = 64;

    /// <summary>All problems of <paramref name="config"/>, empty when it is valid.</summary>
    /// <param name="config">The run.</param>
    /// <param name="shared">Keys inherited from a comparison's shared base (not checked for applicability).</param>
    public static IReadOnlyList<string> Problems(TrainConfig config, IReadOnlySet<string>? shared = null)
    {
        var problems = new List<string>();
        void Require(bool ok, string key, object? value, string expected)
        {
            if (!ok) problems.Add($"{key} = {value} is invalid: expected {expected}.");
        }

        var d = config.Data;
        var crop = d.Segmentation;
        Require(crop.CropWidth >= 8, "data.crop_width", crop.CropWidth, "≥ 8");
        Require(crop.CropHeight >= 8, "data.crop_height", crop.CropHeight, "≥ 8");
        Require(crop.ScaleMin > 0 && crop.ScaleMin <= crop.ScaleMax, "data.scale_min", crop.ScaleMin, "> 0 and ≤ data.scale_max");
        Require(d.BatchSize >= 1, "data.batch_size", d.BatchSize, "≥ 1");
        Require(d.EvalBatchSize >= 1, "data.eval_batch_size", d.EvalBatchSize, "≥ 1");
        Require(d.Workers is >= 1 and <= MaxWorkers, "data.workers", d.Workers, $"1 to {MaxWorkers} data worker processes (data.prefetch = off loads data in the training process)");
        var synthetic = d.Synthetic;
        Require(synthetic.Train >= 1, "data.synthetic_train", synthetic.Train, "≥ 1");
        Require(synthetic.Val >= 1, "data.synthetic_val", synthetic.Val, "≥ 1");
        Require(synthetic.Confusability is >= 0 and <= 1, "data.synthetic_confusability", synthetic.Confusability, "in [0, 1]");
        Require(!string.IsNullOrWhiteSpace(d.Root), "data.root", d.Root, "a directory");
        Require(d.RepeatFactor.Threshold is null or (> 0 and <= 1), "data.repeat_threshold", d.RepeatFactor.Threshold, "a fraction of images in (0, 1], or null for no repeats");

        var m = config.Model;
        Require(m.OutputStride is 8 or 16, "model.output_stride", m.OutputStride, "8 or 16");
        var task = d.Kind.Task();
        bool classification = task == TaskKind.Classification;
        Require(m.Architecture.Task() == task, "model.architecture", m.Architecture,
            $"a {task.ToString().ToLowerInvariant()} network for data.kind = {d.Kind}");
        Require(classification || (m.Head == HeadKind.Linear && m.Stage == TrainingStage.Joint && m.Classifier == ClassifierKind.Linear),
            "model.head / model.stage / model.classifier", $"{m.Head} / {m.Stage} / {m.Classifier}",
            "linear / joint / linear for segmentation (SDN, decoupling stages and cosine heads are classification methods)");
        Require(m.Stage == TrainingStage.Joint || m.InitFrom is not null, "model.init_from", m.InitFrom, $"a jointly trained checkpoint for model.stage = {m.Stage}");
        Require(m.Classifier == ClassifierKind.Linear || (config.Loss.TrainsLdam && m.Head == HeadKind.Linear)
                || m.Stage != TrainingStage.Joint,
            "model.classifier", m.Classifier, "linear unless loss.kind = ldam with a linear head (cosine logits lie in [−1, 1]; only LDAM scales them by s)");
        Require(!(m.Classifier == ClassifierKind.Cosine && m.Stage == TrainingStage.TauNorm), "model.stage", m.Stage,
            "not tau_norm on a cosine classifier (its rows are normalised already: every τ gives the same logits)");
        Require(m.Tau is null || m.Tau >= 0, "model.tau", m.Tau, "≥ 0, or null to sweep 0 … 2");
        Require(d.LongTail.ImbalanceRatio >= 1, "data.imbalance_ratio", d.LongTail.ImbalanceRatio, "≥ 1");
        Require(d.ClassificationInput.ImageSize is null or >= 8, "data.image_size", d.ClassificationInput.ImageSize, "≥ 8, or null for the dataset's own size");
        Require(d.ImageFiles.ResizeShorter is null or >= 0, "data.resize_shorter", d.ImageFiles.ResizeShorter, "≥ 0 (0 = no resize), or null for 256");

        var l = config.Loss;
        if (l.Terms is null) problems.AddRange(LossTermRules.RangeProblems(LossTerm.Of(l, l.Kind, l.LossWeight), "loss."));
        Require(l.AuxWeight >= 0 && double.IsFinite(l.AuxWeight), "loss.aux_weight", l.AuxWeight, "a finite number ≥ 0");
        Require(classification || l.Kind != LossKind.Ldam, "loss.kind", l.Kind, "a segmentation loss (ldam is for classification)");
        Require(l.OhemSampler.Thresh is null or (> 0 and < 1), "loss.sampler_thresh", l.OhemSampler.Thresh, "a probability in (0, 1), or null to keep the largest losses");
        Require(l.OhemSampler.MinKept >= 0, "loss.sampler_min_kept", l.OhemSampler.MinKept, "≥ 0");
        Require(l.PixelSampler.Kind == PixelSamplerKind.None || !l.Kinds.Any(k => k is LossKind.SoftIoU or LossKind.Lovasz), "loss.pixel_sampler", "ohem",
            "none with soft_iou or lovasz (set-function losses have no per-position values to select)");
        Require(double.IsFinite(l.LossWeight), "loss.loss_weight", l.LossWeight, "a finite number");
        Require(double.IsFinite(l.PlusLossWeight), "loss.plus_loss_weight", l.PlusLossWeight, "a finite number");
        Require(l.PlusKind is not LossKind.Ldam, "loss.plus_kind", l.PlusKind, "not ldam (its margins and deferred re-weighting act on the main loss only)");
        Require(l.Kind != LossKind.Ldam || (l.PlusKind is null && l.LossWeight == 1), "loss.kind", l.Kind,
            "ldam alone (loss.plus_kind unset, loss.loss_weight = 1): its deferred re-weighting is switched on the LDAM module itself");
        problems.AddRange(LossTermRules.Problems(l, classification));

        var o = config.Optimizer;
        Require(o.LearningRate > 0 && double.IsFinite(o.LearningRate), "optimizer.learning_rate", o.LearningRate, "a finite number > 0");
        Require(o.Momentum is >= 0 and < 1, "optimizer.momentum", o.Momentum, "in [0, 1)");
        Require(o.WeightDecay >= 0, "optimizer.weight_decay", o.WeightDecay, "≥ 0");
        Require(o.HeadLrMult > 0 && double.IsFinite(o.HeadLrMult), "optimizer.head_lr_mult", o.HeadLrMult, "a finite number > 0");

        var s = config.Schedule;
        Require(s.Iterations >= 1, "schedule.iterations", s.Iterations, "≥ 1");
        Require(s.WarmupIterations >= 0 && s.WarmupIterations < s.Iterations, "schedule.warmup_iterations", s.WarmupIterations, "in [0, iterations)");
        Require(s.PolyPower >= 0, "schedule.poly_power", s.PolyPower, "≥ 0");
        Require(s.EvalEvery >= 0, "schedule.eval_every", s.EvalEvery, "≥ 0");
        Require(s.LogEvery >= 1, "schedule.log_every", s.LogEvery, "≥ 1");
        Require(s.CheckpointEvery >= 1, "schedule.checkpoint_every", s.CheckpointEvery, "≥ 1");

        Require(config.Threads >= 0, "threads", config.Threads, "≥ 0 (0 = libtorch default)");
        Require(!string.IsNullOrWhiteSpace(config.Output), "output", config.Output, "a directory");
        problems.AddRange(ConfigApplicability.Problems(config, shared));
        return problems;
    }

    /// <summary>Throws a <see cref="ConfigException"/> listing every problem.</summary>
    public static void ThrowIfInvalid(TrainConfig config, IReadOnlySet<string>? shared = null)
    {
        var problems = Problems(config, shared);
        if (problems.Count > 0) throw new ConfigException(string.Join(Environment.NewLine, problems));
    }
}
