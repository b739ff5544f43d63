using RecallKit.Vision.Data;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Configuration;

/// <summary>The network to train.</summary>
public sealed record ModelConfig
{
    /// <summary>Architecture.</summary>
    public Architecture Architecture { get; init; } = Architecture.LiteSeg;

    /// <summary>Output stride of a DeepLabV3+ backbone: 8 or 16.</summary>
    public int OutputStride { get; init; } = 16;

    /// <summary>Optional torchvision ImageNet weights for the backbone (.pth).</summary>
    public string? BackboneWeights { get; init; }

    /// <summary>Classification: a single linear head, or the Simple Decoupled Network's two heads.</summary>
    public HeadKind Head { get; init; } = HeadKind.Linear;

    /// <summary>Classification: heads compute w·f + b (linear) or cos(f, w) (cosine, Cao et al.'s choice for LDAM).</summary>
    public ClassifierKind Classifier { get; init; } = ClassifierKind.Linear;

    /// <summary>Classification: joint training, or a decoupling stage on top of <see cref="InitFrom"/>.</summary>
    public TrainingStage Stage { get; init; } = TrainingStage.Joint;

    /// <summary>
    /// Checkpoint whose model weights start this run (required by crt, lws and tau_norm; <c>{seed}</c> is replaced by the seed): a
    /// RecallKit checkpoint, or a PyTorch state_dict written by <c>torch.save</c> with the same keys (told apart by content).
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>
    /// Data-parallel runs (mpirun): BatchNorm layers in training mode normalise with the statistics of the whole batch over every
    /// rank (SyncBatchNorm), so K ranks train as one process would. Off: each rank normalises its own B/K images (PyTorch DDP's
    /// default). With one process the batch statistics are those of the whole batch either way.
    /// </summary>
    public bool SyncBn { get; init; }

    /// <summary>
    /// DeepLabV3+: an auxiliary FCN head on ResNet layer3 (mmsegmentation's FCNHead), trained with weight
    /// <see cref="LossConfig.AuxWeight"/> and not used by eval, predict or export.
    /// </summary>
    public bool AuxHead { get; init; }

    /// <summary>tau_norm: the exponent τ; null sweeps 0, 0.1, …, 2 on the validation split and keeps the best top-1.</summary>
    public double? Tau { get; init; }

    /// <summary>Range checks of the model's keys, and whether they fit the dataset's task and the loss.</summary>
    /// <param name="problems">Where problems are added.</param>
    /// <param name="data">The run's dataset.</param>
    /// <param name="classification">Whether the dataset is a classification one.</param>
    /// <param name="loss">The run's loss.</param>
    public void Validate(ConfigProblems problems, DatasetKind data, bool classification, LossConfig loss)
    {
        var task = data.Task();
        problems.Require(OutputStride is 8 or 16, c => c.Model.OutputStride, OutputStride, "8 or 16");
        problems.Require(Architecture.Task() == task, c => c.Model.Architecture, Architecture,
            $"a {task.ToString().ToLowerInvariant()} network for data.kind = {data}");
        problems.Require(classification || (Head == HeadKind.Linear && Stage == TrainingStage.Joint && Classifier == ClassifierKind.Linear),
            ConfigKey.Joined(c => c.Model.Head, c => c.Model.Stage, c => c.Model.Classifier), $"{Head} / {Stage} / {Classifier}",
            "linear / joint / linear for segmentation (SDN, decoupling stages and cosine heads are classification methods)");
        problems.Require(Stage == TrainingStage.Joint || InitFrom is not null, c => c.Model.InitFrom, InitFrom, $"a jointly trained checkpoint for model.stage = {Stage}");
        problems.Require(Classifier == ClassifierKind.Linear || (loss.TrainsLdam && Head == HeadKind.Linear) || Stage != TrainingStage.Joint,
            c => c.Model.Classifier, Classifier, "linear unless loss.kind = ldam with a linear head (cosine logits lie in [−1, 1]; only LDAM scales them by s)");
        problems.Require(!(Classifier == ClassifierKind.Cosine && Stage == TrainingStage.TauNorm), c => c.Model.Stage, Stage,
            "not tau_norm on a cosine classifier (its rows are normalised already: every τ gives the same logits)");
        problems.Require(Tau is null || Tau >= 0, c => c.Model.Tau, Tau, "≥ 0, or null to sweep 0 … 2");
    }
}

/// <summary>How a classifier head turns features into logits.</summary>
public enum ClassifierKind
{
    /// <summary>w_c·f + b_c.</summary>
    Linear,
    /// <summary>cos(f, w_c) (NormedLinear of Cao et al.; LDAM's scale s multiplies it).</summary>
    Cosine,
}

/// <summary>Classifier heads.</summary>
public enum HeadKind
{
    /// <summary>One linear classifier trained with the configured loss.</summary>
    Linear,
    /// <summary>
    /// Simple Decoupled Network (paper §3.5): head g trained with the configured loss (recall for SDN, cross_entropy for
    /// SDN-CE) trains the backbone; head h trained with class-balanced CE on detached features is used for inference.
    /// </summary>
    Sdn,
}

/// <summary>Decoupling stages of Kang et al. (2020), run on a jointly trained checkpoint (<see cref="ModelConfig.InitFrom"/>).</summary>
public enum TrainingStage
{
    /// <summary>Train everything.</summary>
    Joint,
    /// <summary>Classifier re-training: backbone frozen (parameters and batch-norm statistics), classifier re-initialised and trained (use data.sampler = class_balanced).</summary>
    Crt,
    /// <summary>Learnable weight scaling: backbone and classifier frozen, one scale per class trained (use data.sampler = class_balanced).</summary>
    Lws,
    /// <summary>τ-normalisation of the classifier weights; no training.</summary>
    TauNorm,
    /// <summary>Post-hoc logit adjustment (Menon et al. 2021): logits − τ·log π of the training split; no training.</summary>
    LogitAdjust,
}
