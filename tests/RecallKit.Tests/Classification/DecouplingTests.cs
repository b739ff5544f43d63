using RecallKit.Losses;
using RecallKit.Vision.Classification;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Training;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Classification;

/// <summary>A float64 feature extractor: one linear layer and tanh on flattened inputs.</summary>
internal sealed class TinyFeatures : FeatureExtractor
{
    private readonly Linear layer = nn.Linear(4, 3, dtype: ScalarType.Float64);

    public TinyFeatures() : base(nameof(TinyFeatures)) => RegisterComponents();

    public override long FeatureDim => 3;

    public override Tensor forward(Tensor input) => layer.call(input.flatten(1)).tanh();
}

[Collection(nameof(Support.GlobalTorchState))]
public sealed class DecouplingTests
{
    private static readonly long[] Counts = [50, 20, 5, 2, 1];

    private static ClassificationNetwork Network(bool decoupled)
    {
        manual_seed(11);
        var network = new ClassificationNetwork(new TinyFeatures(), 5, decoupled);
        network.to(ScalarType.Float64);
        return network;
    }

    private static Dictionary<string, double[]> Gradients(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad is { } g ? g.data<double>().ToArray() : new double[p.parameter.numel()]);

    [Fact]
    public void SdnRoutesBackboneGradientsFromGOnlyAndHLearnsFromItsOwnLossOnly()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 12, 4, 1, 1 }, ScalarType.Float64, generator: Support.Seeded.Generator(3));
        var y = tensor(new long[] { 0, 1, 2, 3, 4, 0, 0, 1, 2, 0, 1, 0 });
        var classes = ClassificationDatasets.Describe(["a", "b", "c", "d", "e"]);

        using var network = Network(decoupled: true);
        var loss = new DecoupledLoss(new RecallCrossEntropy(5), new ClassBalancedCrossEntropy(5, Counts, 0.99));
        new ClassificationTask(network, loss, classes, Counts).ComputeLoss(x, y).backward();
        var total = Gradients(network);

        // L_g alone, computed by hand from the same weights
        network.zero_grad();
        new RecallCrossEntropy(5).call(network.DecoupledHead!.call(network.Backbone.call(x)), y).backward();
        var gOnly = Gradients(network);

        // L_h alone on detached features
        network.zero_grad();
        new ClassBalancedCrossEntropy(5, Counts, 0.99).call(network.Classifier.call(network.Backbone.call(x).detach()), y).backward();
        var hOnly = Gradients(network);

        foreach (var name in total.Keys)
        {
            if (name.StartsWith("backbone.") || name.StartsWith("fc_g."))
            {
                Assert.Equal(gOnly[name], total[name], (a, b) => Math.Abs(a - b) < 1e-12);
                Assert.All(hOnly[name], v => Assert.Equal(0.0, v)); // L_h reaches neither f nor g
                Assert.Contains(gOnly[name], v => v != 0);
            }
            else if (name.StartsWith("fc."))
            {
                Assert.Equal(hOnly[name], total[name], (a, b) => Math.Abs(a - b) < 1e-12);
                Assert.All(gOnly[name], v => Assert.Equal(0.0, v)); // L_g does not train h
                Assert.Contains(hOnly[name], v => v != 0);
            }
        }
        Assert.Contains(total.Keys, k => k.StartsWith("backbone."));
        Assert.Contains(total.Keys, k => k.StartsWith("fc_g."));
        Assert.Equal(loss.GLoss.state_dict().Keys.Select(k => "g." + k).Concat(loss.HLoss.state_dict().Keys.Select(k => "h." + k)).Order(),
            loss.state_dict().Keys.Order());
    }

    [Fact]
    public void InferenceUsesHeadH()
    {
        using var scope = NewDisposeScope();
        using var network = Network(decoupled: true);
        var x = randn(new long[] { 3, 4, 1, 1 }, ScalarType.Float64);
        using var _ = no_grad();
        var expected = network.Classifier.call(network.Backbone.call(x));
        Assert.True(network.call(x).allclose(expected));
        Assert.False(network.call(x).allclose(network.DecoupledHead!.call(network.Backbone.call(x))));
    }

    [Fact]
    public void TauNormalisationDividesRowsByTheirNormToTheTauAndDropsTheBias()
    {
        using var scope = NewDisposeScope();
        using var network = new ClassificationNetwork(new TinyFeatures(), 2, decoupled: false);
        using (no_grad())
        {
            network.Classifier.weight!.copy_(tensor(new float[] { 3, 4, 0, 0, 2, 0 }).view(2, 3));
            network.Classifier.bias!.copy_(tensor(new float[] { 1, -1 }));
        }
        network.TauNormalize(1);
        Assert.Equal([0.6f, 0.8f, 0, 0, 1, 0], network.Classifier.weight!.data<float>().ToArray());
        Assert.Equal([0f, 0], network.Classifier.bias!.data<float>().ToArray());

        using (no_grad()) network.Classifier.weight!.copy_(tensor(new float[] { 3, 4, 0, 0, 2, 0 }).view(2, 3));
        network.TauNormalize(0.5);
        var w = network.Classifier.weight!.data<float>().ToArray();
        Assert.Equal(3 / MathF.Sqrt(5), w[0], 5);
        Assert.Equal(4 / MathF.Sqrt(5), w[1], 5);
        Assert.Equal(2 / MathF.Sqrt(2), w[4], 5);

        using (no_grad()) network.Classifier.weight!.copy_(tensor(new float[] { 3, 4, 0, 0, 2, 0 }).view(2, 3));
        network.TauNormalize(0);
        Assert.Equal([3f, 4, 0, 0, 2, 0], network.Classifier.weight!.data<float>().ToArray());
    }

    [Fact]
    public void LearnableWeightScalingMultipliesEachClassLogit()
    {
        using var scope = NewDisposeScope();
        using var network = Network(decoupled: false);
        var x = randn(new long[] { 4, 4, 1, 1 }, ScalarType.Float64);
        using var _ = no_grad();
        var plain = network.call(x);
        network.Scales.copy_(tensor(new double[] { 2, 0.5, 1, 0, -1 }));
        var scaled = network.call(x);
        Assert.True(scaled.allclose(plain * tensor(new double[] { 2, 0.5, 1, 0, -1 })));
    }

    [Fact]
    public void CosineHeadsGiveTheCosineOfFeaturesAndClassWeights()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var network = new ClassificationNetwork(new TinyFeatures(), 5, decoupled: false, cosine: true);
        network.to(ScalarType.Float64);
        var x = randn(new long[] { 3, 4, 1, 1 }, ScalarType.Float64);
        using var _ = no_grad();
        var logits = network.call(x).data<double>().ToArray();
        var f = network.Backbone.call(x).data<double>().ToArray();
        var w = network.Classifier.weight!.data<double>().ToArray();
        for (int n = 0; n < 3; n++)
            for (int c = 0; c < 5; c++)
            {
                double dot = 0, nf = 0, nw = 0;
                for (int k = 0; k < 3; k++)
                {
                    dot += f[n * 3 + k] * w[c * 3 + k];
                    nf += f[n * 3 + k] * f[n * 3 + k];
                    nw += w[c * 3 + k] * w[c * 3 + k];
                }
                Assert.Equal(dot / Math.Sqrt(nf * nw), logits[n * 5 + c], 12);
            }
    }

    [Fact]
    public void DeferredReweightingAlsoReachesLdamAsHeadGLoss()
    {
        using var scope = NewDisposeScope();
        using var network = Network(decoupled: true);
        var ldam = new LdamLoss(Counts);
        var loss = new DecoupledLoss(ldam, new ClassBalancedCrossEntropy(5, Counts, 0.99));
        var task = new ClassificationTask(network, loss, ClassificationDatasets.Describe(["a", "b", "c", "d", "e"]), Counts, drw_start_iteration: 3);
        var x = randn(new long[] { 6, 4, 1, 1 }, ScalarType.Float64);
        var y = tensor(new long[] { 0, 1, 2, 3, 4, 0 });
        var hook = Assert.Single(task.Hooks);
        hook.BeforeStep(2);
        Assert.Null(ldam.class_weights);
        hook.BeforeStep(3);
        Assert.NotNull(ldam.class_weights);
        Assert.True(ldam.class_weights![4] > ldam.class_weights[0]); // the rarest class weighs most
    }

    [Fact]
    public void TauNormalisationOfAnAllZeroRowStaysFinite()
    {
        using var scope = NewDisposeScope();
        using var network = new ClassificationNetwork(new TinyFeatures(), 2, decoupled: false);
        using (no_grad()) network.Classifier.weight!.copy_(tensor(new float[] { 0, 0, 0, 3, 4, 0 }).view(2, 3));
        network.TauNormalize(1);
        Assert.Equal([0f, 0, 0, 0.6f, 0.8f, 0], network.Classifier.weight!.data<float>().ToArray());
    }
}
