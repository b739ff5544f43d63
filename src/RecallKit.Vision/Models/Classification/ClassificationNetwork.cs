using RecallKit.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models.Classification;

/// <summary>
/// A classifier: feature extractor f, linear head <c>fc</c> (h) whose logits are multiplied per class by <c>scales</c>
/// (all 1 unless learnable weight scaling trains them), and, for the Simple Decoupled Network (paper Fig. 1b), a second
/// head <c>fc_g</c> (g). In SDN training g sees the features and its loss trains f; h sees <b>detached</b> features, so
/// h's loss never reaches f. Inference always uses h.
/// </summary>
public sealed class ClassificationNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>The floor of a weight row's norm in <see cref="TauNormalize"/>.</summary>
    private static readonly Scalar SmallestNorm = 1e-12.ToScalar();

    private readonly FeatureExtractor backbone;
    private readonly Linear fc;
    private readonly Linear? fc_g;
    private readonly Parameter scales;
    private readonly bool cosine;
    private bool backboneFrozen;

    /// <param name="backbone">Feature extractor f.</param>
    /// <param name="num_classes">C.</param>
    /// <param name="decoupled">Add the SDN head g.</param>
    /// <param name="cosine">Heads compute cos(f, w_c) (Cao et al.'s NormedLinear, used with LDAM) instead of w_c·f + b_c.</param>
    public ClassificationNetwork(FeatureExtractor backbone, int num_classes, bool decoupled, bool cosine = false) : base(nameof(ClassificationNetwork))
    {
        this.cosine = cosine;
        if (num_classes < 2) throw new ArgumentOutOfRangeException(nameof(num_classes), num_classes, "a classifier needs at least 2 classes.");
        this.backbone = backbone;
        fc = nn.Linear(backbone.FeatureDim, num_classes);
        if (decoupled) fc_g = nn.Linear(backbone.FeatureDim, num_classes);
        scales = nn.Parameter(ones(num_classes), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>Feature extractor f.</summary>
    public FeatureExtractor Backbone => backbone;

    /// <summary>The inference head h.</summary>
    public Linear Classifier => fc;

    /// <summary>The SDN head g (null without SDN).</summary>
    public Linear? DecoupledHead => fc_g;

    /// <summary>Per-class logit scales (learnable weight scaling).</summary>
    public Parameter Scales => scales;

    /// <summary>Whether the network has the SDN head g.</summary>
    public bool Decoupled => fc_g is not null;

    /// <summary>C.</summary>
    public long NumClasses => fc.weight!.shape[0];

    /// <summary>Whether the heads are cosine classifiers.</summary>
    public bool Cosine => cosine;

    /// <summary>Inference logits [N,C] from head h.</summary>
    public override Tensor forward(Tensor input) => Head(fc, backbone.call(input)) * scales;

    /// <summary>Training logits: h's (on detached features when SDN) and g's (null without SDN).</summary>
    public (Tensor h, Tensor? g) TrainingLogits(Tensor input)
    {
        var features = backbone.call(input);
        if (fc_g is null) return (Head(fc, features) * scales, null);
        return (Head(fc, features.detach()) * scales, Head(fc_g, features));
    }

    /// <summary>Float32 logits of <paramref name="head"/>; a linear head computes in the compute dtype, a cosine head in float32.</summary>
    private Tensor Head(Linear head, Tensor features)
    {
        if (!cosine) return ComputePrecision.ToFloat32(ComputePrecision.Linear(head, features));
        var directions = nn.functional.normalize(ComputePrecision.ToFloat32(features), dim: 1);
        return nn.functional.linear(directions, nn.functional.normalize(head.weight!, dim: 1));
    }

    /// <summary>Stops training f: its parameters get no gradient and its batch-norm statistics stay fixed (eval mode).</summary>
    public void FreezeBackbone()
    {
        foreach (var p in backbone.parameters()) p.requires_grad = false;
        backboneFrozen = true;
        backbone.eval();
    }

    /// <inheritdoc />
    public override void train(bool train = true)
    {
        base.train(train);
        if (backboneFrozen) backbone.eval();
    }

    /// <summary>Re-initialises head h as a fresh <c>nn.Linear</c> would be (classifier re-training).</summary>
    public void ResetClassifier()
    {
        using var _ = no_grad();
        nn.init.kaiming_uniform_(fc.weight!, a: Math.Sqrt(5));
        double bound = 1 / Math.Sqrt(fc.weight!.shape[1]);
        nn.init.uniform_(fc.bias!, -bound, bound);
        scales.fill_(Scalars.One);
    }

    /// <summary>
    /// τ-normalisation (Kang et al. 2020): w_c ← w_c / ‖w_c‖^τ for every row of h's weight, and h's bias set to 0 (their
    /// τ-normalised classifier is a plain dot product).
    /// </summary>
    public void TauNormalize(double tau)
    {
        using var _ = no_grad();
        var norms = fc.weight!.norm(1, keepdim: true, p: 2).clamp_min(SmallestNorm); // an all-zero row stays zero instead of NaN
        using var exponent = tau.ToScalar();
        fc.weight!.div_(norms.pow(exponent));
        fc.bias!.zero_();
    }
}
