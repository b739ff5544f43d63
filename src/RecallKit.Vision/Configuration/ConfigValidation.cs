using System.Linq.Expressions;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Configuration;

/// <summary>Range checks of hyper-parameters; every message names the key, the value and the allowed range.</summary>
public static class ConfigValidation
{
    /// <summary>Largest <c>data.workers</c>: each worker is a process holding the split's index and a batch.</summary>
    public const int MaxWorkers = 64;

    private static string Key<T>(Expression<Func<TrainConfig, T>> property) => ConfigKey.Of(property);

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
        Require(crop.CropWidth >= 8, Key(c => c.Data.Segmentation.CropWidth), crop.CropWidth, "≥ 8");
        Require(crop.CropHeight >= 8, Key(c => c.Data.Segmentation.CropHeight), crop.CropHeight, "≥ 8");
        Require(crop.ScaleMin > 0 && crop.ScaleMin <= crop.ScaleMax, Key(c => c.Data.Segmentation.ScaleMin), crop.ScaleMin, "> 0 and ≤ data.scale_max");
        Require(d.BatchSize >= 1, Key(c => c.Data.BatchSize), d.BatchSize, "≥ 1");
        Require(d.EvalBatchSize >= 1, Key(c => c.Data.EvalBatchSize), d.EvalBatchSize, "≥ 1");
        Require(d.Workers is >= 1 and <= MaxWorkers, Key(c => c.Data.Workers), d.Workers, $"1 to {MaxWorkers} data worker processes (data.prefetch = off loads data in the training process)");
        var synthetic = d.Synthetic;
        Require(synthetic.Train >= 1, Key(c => c.Data.Synthetic.Train), synthetic.Train, "≥ 1");
        Require(synthetic.Val >= 1, Key(c => c.Data.Synthetic.Val), synthetic.Val, "≥ 1");
        Require(synthetic.Confusability is >= 0 and <= 1, Key(c => c.Data.Synthetic.Confusability), synthetic.Confusability, "in [0, 1]");
        Require(!string.IsNullOrWhiteSpace(d.Root), Key(c => c.Data.Root), d.Root, "a directory");
        Require(d.RepeatFactor.Threshold is null or (> 0 and <= 1), Key(c => c.Data.RepeatFactor.Threshold), d.RepeatFactor.Threshold, "a fraction of images in (0, 1], or null for no repeats");

        var m = config.Model;
        Require(m.OutputStride is 8 or 16, Key(c => c.Model.OutputStride), m.OutputStride, "8 or 16");
        var task = d.Kind.Task();
        bool classification = task == TaskKind.Classification;
        Require(m.Architecture.Task() == task, Key(c => c.Model.Architecture), m.Architecture,
            $"a {task.ToString().ToLowerInvariant()} network for data.kind = {d.Kind}");
        Require(classification || (m.Head == HeadKind.Linear && m.Stage == TrainingStage.Joint && m.Classifier == ClassifierKind.Linear),
            ConfigKey.Joined(c => c.Model.Head, c => c.Model.Stage, c => c.Model.Classifier), $"{m.Head} / {m.Stage} / {m.Classifier}",
            "linear / joint / linear for segmentation (SDN, decoupling stages and cosine heads are classification methods)");
        Require(m.Stage == TrainingStage.Joint || m.InitFrom is not null, Key(c => c.Model.InitFrom), m.InitFrom, $"a jointly trained checkpoint for model.stage = {m.Stage}");
        Require(m.Classifier == ClassifierKind.Linear || (config.Loss.TrainsLdam && m.Head == HeadKind.Linear)
                || m.Stage != TrainingStage.Joint,
            Key(c => c.Model.Classifier), m.Classifier, "linear unless loss.kind = ldam with a linear head (cosine logits lie in [−1, 1]; only LDAM scales them by s)");
        Require(!(m.Classifier == ClassifierKind.Cosine && m.Stage == TrainingStage.TauNorm), Key(c => c.Model.Stage), m.Stage,
            "not tau_norm on a cosine classifier (its rows are normalised already: every τ gives the same logits)");
        Require(m.Tau is null || m.Tau >= 0, Key(c => c.Model.Tau), m.Tau, "≥ 0, or null to sweep 0 … 2");
        Require(d.LongTail.ImbalanceRatio >= 1, Key(c => c.Data.LongTail.ImbalanceRatio), d.LongTail.ImbalanceRatio, "≥ 1");
        Require(d.ClassificationInput.ImageSize is null or >= 8, Key(c => c.Data.ClassificationInput.ImageSize), d.ClassificationInput.ImageSize, "≥ 8, or null for the dataset's own size");
        Require(d.ImageFiles.ResizeShorter is null or >= 0, Key(c => c.Data.ImageFiles.ResizeShorter), d.ImageFiles.ResizeShorter, "≥ 0 (0 = no resize), or null for 256");

        var l = config.Loss;
        if (l.Terms is null) problems.AddRange(LossTermRules.RangeProblems(LossTerm.Of(l, l.Kind, l.LossWeight), "loss."));
        Require(l.AuxWeight >= 0 && double.IsFinite(l.AuxWeight), Key(c => c.Loss.AuxWeight), l.AuxWeight, "a finite number ≥ 0");
        Require(classification || l.Kind != LossKind.Ldam, Key(c => c.Loss.Kind), l.Kind, "a segmentation loss (ldam is for classification)");
        Require(l.OhemSampler.Thresh is null or (> 0 and < 1), Key(c => c.Loss.OhemSampler.Thresh), l.OhemSampler.Thresh, "a probability in (0, 1), or null to keep the largest losses");
        Require(l.OhemSampler.MinKept >= 0, Key(c => c.Loss.OhemSampler.MinKept), l.OhemSampler.MinKept, "≥ 0");
        Require(l.PixelSampler.Kind == PixelSamplerKind.None || !l.Kinds.Any(k => k is LossKind.SoftIoU or LossKind.Lovasz), Key(c => c.Loss.PixelSampler.Kind), "ohem",
            "none with soft_iou or lovasz (set-function losses have no per-position values to select)");
        Require(double.IsFinite(l.LossWeight), Key(c => c.Loss.LossWeight), l.LossWeight, "a finite number");
        Require(double.IsFinite(l.PlusLossWeight), Key(c => c.Loss.PlusLossWeight), l.PlusLossWeight, "a finite number");
        Require(l.PlusKind is not LossKind.Ldam, Key(c => c.Loss.PlusKind), l.PlusKind, "not ldam (its margins and deferred re-weighting act on the main loss only)");
        Require(l.Kind != LossKind.Ldam || (l.PlusKind is null && l.LossWeight == 1), Key(c => c.Loss.Kind), l.Kind,
            "ldam alone (loss.plus_kind unset, loss.loss_weight = 1): its deferred re-weighting is switched on the LDAM module itself");
        problems.AddRange(LossTermRules.Problems(l, classification));

        var o = config.Optimizer;
        Require(o.LearningRate > 0 && double.IsFinite(o.LearningRate), Key(c => c.Optimizer.LearningRate), o.LearningRate, "a finite number > 0");
        Require(o.Momentum is >= 0 and < 1, Key(c => c.Optimizer.Momentum), o.Momentum, "in [0, 1)");
        Require(o.WeightDecay >= 0, Key(c => c.Optimizer.WeightDecay), o.WeightDecay, "≥ 0");
        Require(o.HeadLrMult > 0 && double.IsFinite(o.HeadLrMult), Key(c => c.Optimizer.HeadLrMult), o.HeadLrMult, "a finite number > 0");

        var s = config.Schedule;
        Require(s.Iterations >= 1, Key(c => c.Schedule.Iterations), s.Iterations, "≥ 1");
        Require(s.WarmupIterations >= 0 && s.WarmupIterations < s.Iterations, Key(c => c.Schedule.WarmupIterations), s.WarmupIterations, "in [0, iterations)");
        Require(s.PolyPower >= 0, Key(c => c.Schedule.PolyPower), s.PolyPower, "≥ 0");
        Require(s.EvalEvery >= 0, Key(c => c.Schedule.EvalEvery), s.EvalEvery, "≥ 0");
        Require(s.LogEvery >= 1, Key(c => c.Schedule.LogEvery), s.LogEvery, "≥ 1");
        Require(s.CheckpointEvery >= 1, Key(c => c.Schedule.CheckpointEvery), s.CheckpointEvery, "≥ 1");

        Require(config.Threads >= 0, Key(c => c.Threads), config.Threads, "≥ 0 (0 = libtorch default)");
        Require(config.Precision != PrecisionKind.Fp16 || config.Device == DeviceKind.Cuda, Key(c => c.Precision), "fp16",
            "fp32 or bf16 with device = cpu: fp16 needs CUDA (libtorch's CPU has no float16 convolution kernels); bf16 runs on the CPU");
        Require(!string.IsNullOrWhiteSpace(config.Output), Key(c => c.Output), config.Output, "a directory");
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
