using RecallKit.Losses;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

/// <summary>The loss <c>loss.terms</c> builds: Σ weight_i · term_i, its kept term values, and the shorthand's same numbers.</summary>
public sealed class LossTermsFactoryTests
{
    private static nn.Module<Tensor, Tensor, Tensor> Build(string terms, int classes = 2, string[]? more = null) =>
        LossFactory.Create(ConfigLoader.Load(null, [$"loss.terms={terms}", .. more ?? []]).Loss, classes, 255, null, count_reducer: x => x);

    /// <summary>
    /// Three positions of class 0 with p_0 = 1/2 (a tie, predicted 0), 3/4 (predicted 0) and 1/4 (predicted 1): CE = ln 2, ln 4/3,
    /// ln 4; focal (γ = 2) multiplies them by (1 − p_0)² = 1/4, 1/16, 9/16; the batch recall of class 0 is 2/3, so the recall
    /// loss is (1 − 2/3) · mean CE.
    /// </summary>
    private static (Tensor Input, Tensor Target) ThreePositions() =>
        (Tensors.Logits(new[,] { { 0, 0 }, { Math.Log(3), 0 }, { 0, Math.Log(3) } }), Tensors.Targets(0, 0, 0));

    private static readonly double Ce = (Math.Log(2) + Math.Log(4.0 / 3) + Math.Log(4)) / 3;
    private static readonly double Focal = (Math.Log(2) / 4 + Math.Log(4.0 / 3) / 16 + 9 * Math.Log(4) / 16) / 3;
    private static readonly double Recall = Ce / 3;

    [Fact]
    public void TwoTermsGiveTheirWeightedSumComputedByHand()
    {
        using var scope = NewDisposeScope();
        var (input, target) = ThreePositions();
        using var loss = Build("""[{"kind":"cross_entropy"},{"kind":"focal","weight":0.5}]""");
        Assert.Equal(Ce + 0.5 * Focal, loss.call(input, target).Scalar(), 12);
        Tensors.AllClose([Ce, Focal], ((ILossTermValues)loss).last_term_values()!.ToDoubles(), 1e-12);
    }

    [Fact]
    public void ThreeTermsGiveTheirWeightedSumComputedByHand()
    {
        using var scope = NewDisposeScope();
        var (input, target) = ThreePositions();
        using var loss = Build("""[{"kind":"cross_entropy"},{"kind":"focal","weight":0.5,"gamma":2},{"kind":"recall","weight":2}]""");
        Assert.Equal(Ce + 0.5 * Focal + 2 * Recall, loss.call(input, target).Scalar(), 12);
        Tensors.AllClose([Ce, Focal, Recall], ((ILossTermValues)loss).last_term_values()!.ToDoubles(), 1e-12);
    }

    [Fact]
    public void EachTermReadsItsOwnOptions()
    {
        using var scope = NewDisposeScope();
        var (input, target) = ThreePositions();
        using var loss = Build("""[{"kind":"focal","gamma":0},{"kind":"focal","weight":2,"gamma":2}]""");
        Assert.Equal(Ce + 2 * Focal, loss.call(input, target).Scalar(), 12); // γ = 0 is CE
    }

    [Fact]
    public void ASingleTermOfWeightOneIsTheBareLoss()
    {
        using var loss = Build("""[{"kind":"recall","ema_alpha":0.5}]""");
        Assert.IsType<RecallCrossEntropy>(loss); // the state keys of a checkpoint trained with loss.kind = recall
    }

    /// <summary>The shorthand and its terms: the same module structure, state keys, values and gradients, bit for bit, over steps.</summary>
    [Fact]
    public void PlusKindAndTheEquivalentTermsGiveIdenticalValuesGradientsAndState()
    {
        using var scope = NewDisposeScope();
        var shorthand = ConfigLoader.Load(null, ["loss.kind=recall", "loss.ema_alpha=0.5", "loss.loss_weight=2", "loss.plus_kind=dice", "loss.plus_loss_weight=0.5"]).Loss;
        var listed = ConfigLoader.Load(null,
            ["""loss.terms=[{"kind":"recall","weight":2,"ema_alpha":0.5},{"kind":"dice","weight":0.5,"ema_alpha":0.5}]"""]).Loss;
        using var a = LossFactory.Create(shorthand, 4, 255, null, count_reducer: x => x);
        using var b = LossFactory.Create(listed, 4, 255, null, count_reducer: x => x);
        Assert.Equal(a.state_dict().Keys, b.state_dict().Keys);
        var generator = new Generator(11);
        for (int step = 0; step < 3; step++)
        {
            var input = randn([2, 4, 5, 6], generator: generator);
            var target = randint(0, 4, [2, 5, 6], generator: generator);
            target[0, 0, 0] = tensor(255L);
            var inputA = input.detach().requires_grad_();
            var inputB = input.detach().requires_grad_();
            var valueA = a.call(inputA, target);
            var valueB = b.call(inputB, target);
            valueA.backward();
            valueB.backward();
            Assert.Equal(valueA.item<float>(), valueB.item<float>());
            Assert.Equal(inputA.grad!.data<float>().ToArray(), inputB.grad!.data<float>().ToArray());
        }
        foreach (var (key, value) in a.state_dict())
            Assert.Equal(value.ToDoubles(), b.state_dict()[key].ToDoubles());
    }

    [Fact]
    public void UnderTheOhemSamplerTheTermsAreMeansOverTheKeptPositionsAndAddUpToTheLoss()
    {
        using var scope = NewDisposeScope();
        using var loss = Build("""[{"kind":"cross_entropy"},{"kind":"focal","weight":3}]""", classes: 3,
            ["loss.pixel_sampler=ohem", "loss.sampler_thresh=0.5", "loss.sampler_min_kept=4"]);
        var sampler = Assert.IsType<OhemPixelSampler>(loss);
        var generator = new Generator(5);
        var input = randn([2, 3, 4, 4], dtype: ScalarType.Float64, generator: generator);
        var target = randint(0, 3, [2, 4, 4], generator: generator);
        double total = sampler.call(input, target).Scalar();
        var terms = sampler.last_term_values()!.ToDoubles();

        var kept = functional.ohem_pixel_weights(input, target, 0.5, 4, 255);
        double Mean(Tensor per) => (per * kept).sum().Scalar() / kept.sum().Scalar();
        using var ce = new CrossEntropy(3, 255, nn.Reduction.None);
        using var focal = new FocalLoss(3, 2, ignore_index: 255, reduction: nn.Reduction.None);
        Tensors.AllClose([Mean(ce.call(input, target)), Mean(focal.call(input, target))], terms, 1e-12);
        Assert.Equal(total, terms[0] + 3 * terms[1], 12);
    }

    [Fact]
    public void WithAnAuxiliaryHeadEachTermAddsItsAuxiliaryPartSoTheWeightedSumIsTheTotal()
    {
        using var scope = NewDisposeScope();
        const string terms = """[{"kind":"cross_entropy"},{"kind":"dice","weight":3}]""";
        using var auxiliary = new AuxiliaryLoss(Build(terms, classes: 3), Build(terms, classes: 3), 0.4);
        var generator = new Generator(8);
        var logits = randn([2, 3, 4, 4], dtype: ScalarType.Float64, generator: generator);
        var auxiliaryLogits = randn([2, 3, 4, 4], dtype: ScalarType.Float64, generator: generator);
        var target = randint(0, 3, [2, 4, 4], generator: generator);
        double total = auxiliary.Compute(logits, auxiliaryLogits, target).Scalar();
        var values = auxiliary.last_term_values()!.ToDoubles();

        using var ce = new CrossEntropy(3, 255);
        using var dice = new MetricWeightedCrossEntropy(3, RegionMetric.Dice, ignore_index: 255); // batch statistics: no state between calls
        Assert.Equal(ce.call(logits, target).Scalar() + 0.4 * ce.call(auxiliaryLogits, target).Scalar(), values[0], 12);
        Assert.Equal(dice.call(logits, target).Scalar() + 0.4 * dice.call(auxiliaryLogits, target).Scalar(), values[1], 12);
        Assert.Equal(total, values[0] + 3 * values[1], 12);
    }

    [Fact]
    public void BeforeTheFirstCallThereAreNoTermValues()
    {
        using var loss = Build("""[{"kind":"cross_entropy"},{"kind":"dice"}]""");
        Assert.Null(((ILossTermValues)loss).last_term_values());
        Assert.Equal([double.NaN, double.NaN], LossTermColumns.Read(loss, 2));
    }
}
