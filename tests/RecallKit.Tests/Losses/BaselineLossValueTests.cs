using RecallKit.Losses;
using RecallKit.Runtime;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>Known values computed independently (host loops in float64, closed forms) and the equivalences between losses.</summary>
public class BaselineLossValueTests
{
    private const long Ignore = 255;

    private static (Tensor input, Tensor target, double[][] rows, long[] targets) Case(int seed = 5, long[]? shape = null)
    {
        var (input, target) = Tensors.Random(shape ?? [3, 4, 3, 2], Ignore, 0.2, seed);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        return (input, target, rows, targets);
    }

    private static double[] Softmax(double[] row)
    {
        double max = row.Max();
        var e = row.Select(v => Math.Exp(v - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [Fact]
    public void CrossEntropyMatchesTheReferenceLoopForEachReduction()
    {
        var (input, target, rows, targets) = Case();
        var valid = Enumerable.Range(0, rows.Length).Where(p => targets[p] != Ignore).ToArray();
        double sum = valid.Sum(p => ReferenceLoss.CrossEntropy(rows[p], targets[p]));
        Assert.Equal(sum / valid.Length, new CrossEntropy(4, Ignore).call(input, target).Scalar(), 12);
        Assert.Equal(sum, new CrossEntropy(4, Ignore, nn.Reduction.Sum).call(input, target).Scalar(), 11);
        var none = new CrossEntropy(4, Ignore, nn.Reduction.None).call(input, target);
        Assert.Equal(target.shape, none.shape);
    }

    [Fact]
    public void InverseFrequencyWithEqualCountsIsCrossEntropy()
    {
        var (input, target, _, _) = Case();
        var ce = new CrossEntropy(4, Ignore).call(input, target).Scalar();
        Assert.Equal(ce, new FrequencyWeightedCrossEntropy(4, [10, 10, 10, 10], ignore_index: Ignore).call(input, target).Scalar(), 12);
        Assert.Equal(ce, new FrequencyWeightedCrossEntropy(4, [10, 10, 10, 10], weight_normalization: WeightNormalization.ValidMean, ignore_index: Ignore).call(input, target).Scalar(), 12);
    }

    [Fact]
    public void FrequencyWeightsAndNormalisationsMatchHandComputations()
    {
        long[] counts = [800, 100, 50, 0];
        // Inverse: 1/800, 1/100, 1/50, 0 → normalised to sum 4.
        var inverse = new FrequencyWeightedCrossEntropy(4, counts, ignore_index: Ignore);
        double z = 1.0 / 800 + 1.0 / 100 + 1.0 / 50;
        Tensors.AllClose([4 / 800.0 / z, 4 / 100.0 / z, 4 / 50.0 / z, 0], inverse.class_weights.ToArray());
        // Median over the non-zero classes {50, 100, 800} = 100: 100/800, 1, 2, 0 → normalised.
        Tensors.AllClose([0.125, 1, 2, 0], FrequencyWeights.MedianFrequency(counts));
        Tensors.AllClose([100, 1, 200.0 / 300, 0], FrequencyWeights.MedianFrequency([2, 200, 300, 0]));
        Tensors.AllClose([75, 1.5, 1, 0], FrequencyWeights.MedianFrequency([2, 100, 150, 0]).Select(w => w * 1.5).ToArray());

        var (input, target, rows, targets) = Case(seed: 8);
        var w = inverse.class_weights;
        var valid = Enumerable.Range(0, rows.Length).Where(p => targets[p] != Ignore).ToArray();
        double weighted = valid.Sum(p => w[(int)targets[p]] * ReferenceLoss.CrossEntropy(rows[p], targets[p]));
        Assert.Equal(weighted / valid.Sum(p => w[(int)targets[p]]), inverse.call(input, target).Scalar(), 12);
        var validMean = new FrequencyWeightedCrossEntropy(4, counts, weight_normalization: WeightNormalization.ValidMean, ignore_index: Ignore);
        Assert.Equal(weighted / valid.Length, validMean.call(input, target).Scalar(), 12);
    }

    [Fact]
    public void ClassBalancedWeightsFollowTheClosedFormAndBetaZeroIsCrossEntropy()
    {
        long[] counts = [5000, 200, 7, 1];
        var cb = new ClassBalancedCrossEntropy(4, counts, 0.9999, ignore_index: Ignore);
        var raw = counts.Select(n => (1 - 0.9999) / (1 - Math.Pow(0.9999, n))).ToArray();
        Tensors.AllClose(raw.Select(r => 4 * r / raw.Sum()).ToArray(), cb.class_weights.ToArray(), 1e-12);
        Assert.Equal((5208.0 - 1) / 5208, new ClassBalancedCrossEntropy(4, counts, null).beta, 15);
        var (input, target, _, _) = Case();
        Assert.Equal(new CrossEntropy(4, Ignore).call(input, target).Scalar(),
            new ClassBalancedCrossEntropy(4, counts, 0.0, ignore_index: Ignore).call(input, target).Scalar(), 12);
    }

    [Fact]
    public void ClassBalancedSigmoidAndFocalMatchOneVsAllReferenceLoops()
    {
        long[] counts = [300, 60, 9, 2];
        var (input, target, rows, targets) = Case(seed: 12);
        var sigmoid = new ClassBalancedCrossEntropy(4, counts, 0.99, ClassBalancedLossType.Sigmoid, ignore_index: Ignore);
        var focal = new ClassBalancedCrossEntropy(4, counts, 0.99, ClassBalancedLossType.Focal, 2.0, ignore_index: Ignore);
        var w = sigmoid.class_weights;
        double sumSigmoid = 0, sumFocal = 0;
        int valid = 0;
        for (int p = 0; p < rows.Length; p++)
        {
            if (targets[p] == Ignore) continue;
            valid++;
            for (int c = 0; c < 4; c++)
            {
                double t = c == targets[p] ? 1 : 0, prob = 1 / (1 + Math.Exp(-rows[p][c]));
                double bce = -(t * Math.Log(prob) + (1 - t) * Math.Log(1 - prob));
                double pt = t == 1 ? prob : 1 - prob;
                sumSigmoid += w[(int)targets[p]] * bce;
                sumFocal += w[(int)targets[p]] * Math.Pow(1 - pt, 2) * bce;
            }
        }
        Assert.Equal(sumSigmoid / valid, sigmoid.call(input, target).Scalar(), 11);
        Assert.Equal(sumFocal / valid, focal.call(input, target).Scalar(), 11);
        var focalZero = new ClassBalancedCrossEntropy(4, counts, 0.99, ClassBalancedLossType.Focal, 0.0, ignore_index: Ignore);
        Assert.Equal(sumSigmoid / valid, focalZero.call(input, target).Scalar(), 11);
    }

    [Fact]
    public void FocalWithGammaZeroIsExactlyCrossEntropyAndMatchesTheReferenceOtherwise()
    {
        var (input, target, rows, targets) = Case(seed: 3);
        Assert.Equal(new CrossEntropy(4, Ignore).call(input, target).Scalar(), new FocalLoss(4, 0, ignore_index: Ignore).call(input, target).Scalar(), 14);
        double[] alpha = [0.25, 1, 2, 0.5];
        double sum = 0;
        int valid = 0;
        for (int p = 0; p < rows.Length; p++)
        {
            if (targets[p] == Ignore) continue;
            valid++;
            double py = Softmax(rows[p])[targets[p]];
            sum += alpha[targets[p]] * Math.Pow(1 - py, 2) * -Math.Log(py);
        }
        Assert.Equal(sum / valid, new FocalLoss(4, 2, alpha, Ignore).call(input, target).Scalar(), 12);
        Assert.Equal(sum, new FocalLoss(4, 2, alpha, Ignore, nn.Reduction.Sum).call(input, target).Scalar(), 11);
    }

    [Fact]
    public void OhemKeepsTheHardestPositions()
    {
        var (input, target, rows, targets) = Case(seed: 4);
        Assert.Equal(new CrossEntropy(4, Ignore).call(input, target).Scalar(), new OhemCrossEntropy(4, 1.0, ignore_index: Ignore).call(input, target).Scalar(), 12);
        var losses = Enumerable.Range(0, rows.Length).Where(p => targets[p] != Ignore)
            .Select(p => ReferenceLoss.CrossEntropy(rows[p], targets[p])).OrderDescending().ToArray();
        int k = (int)Math.Floor(0.5 * losses.Length);
        Assert.Equal(losses.Take(k).Average(), new OhemCrossEntropy(4, 0.5, ignore_index: Ignore).call(input, target).Scalar(), 12);
        Assert.Equal(losses.Take(10).Average(), new OhemCrossEntropy(4, 0.1, min_kept: 10, ignore_index: Ignore).call(input, target).Scalar(), 12);
        // Threshold mode: p_y < 0.3 ⇔ CE > −log 0.3, at least 3 kept.
        var hard = losses.Where(l => l > -Math.Log(0.3)).ToArray();
        Assert.Equal(hard.Average(), new OhemCrossEntropy(4, min_kept: 3, threshold: 0.3, ignore_index: Ignore).call(input, target).Scalar(), 12);
        Assert.Equal(losses.Take(3).Average(), new OhemCrossEntropy(4, min_kept: 3, threshold: 1e-9, ignore_index: Ignore).call(input, target).Scalar(), 12);
        var none = new OhemCrossEntropy(4, 0.5, ignore_index: Ignore, reduction: nn.Reduction.None).call(input, target);
        Assert.Equal(k, none.gt(Scalars.Zero).sum().item<long>());
    }

    [Fact]
    public void SoftIoUMatchesAHandComputationAndLeavesTheTargetUnchanged()
    {
        var input = Tensors.Logits(new double[,] { { 2, 0, 0 }, { 0, 1, 0 }, { 0, 0, 3 }, { 1, 1, 1 } });
        var target = Tensors.Targets(0, 1, 1, Ignore);
        var before = target.clone();
        var rows = new[] { new double[] { 2, 0, 0 }, [0, 1, 0], [0, 0, 3] };
        long[] labels = [0, 1, 1];
        var iou = new double[3];
        for (int c = 0; c < 3; c++)
        {
            double i = 0, u = 0;
            for (int p = 0; p < 3; p++)
            {
                double pc = Softmax(rows[p])[c], t = labels[p] == c ? 1 : 0;
                i += pc * t;
                u += pc + t - pc * t;
            }
            iou[c] = i / u;
        }
        Assert.Equal(1 - iou.Average(), new SoftIoULoss(3, ignore_index: Ignore).call(input, target).Scalar(), 12);
        Assert.Equal(1 - (iou[0] + iou[1]) / 2, new SoftIoULoss(3, LossClasses.Present, ignore_index: Ignore).call(input, target).Scalar(), 12);
        Assert.True(before.eq(target).all().item<bool>());
    }

    /// <summary>
    /// Brute force of the Lovász extension from its definition: with positions sorted by decreasing error, the loss is
    /// Σ_i e_(i)·(Δ(S_i) − Δ(S_{i−1})), Δ(S) the Jaccard loss of predicting the set S of the i largest-error positions wrongly.
    /// </summary>
    private static double BruteLovaszClass(double[] errors, bool[] foreground)
    {
        var order = Enumerable.Range(0, errors.Length).OrderByDescending(i => errors[i]).ToArray();
        double Jaccard(HashSet<int> mispredicted)
        {
            var gt = Enumerable.Range(0, errors.Length).Where(i => foreground[i]).ToHashSet();
            // Mispredicted foreground leaves the prediction; mispredicted background enters it.
            var predicted = gt.Except(mispredicted).Union(mispredicted.Where(i => !foreground[i])).ToHashSet();
            var union = gt.Union(predicted).Count();
            return union == 0 ? 0 : 1 - (double)gt.Intersect(predicted).Count() / union;
        }
        double total = 0, previous = 0;
        var set = new HashSet<int>();
        foreach (var i in order)
        {
            set.Add(i);
            double current = Jaccard(set);
            total += errors[i] * (current - previous);
            previous = current;
        }
        return total;
    }

    [Fact]
    public void LovaszEqualsABruteForceEvaluationOfItsDefinition()
    {
        var (input, target, rows, targets) = Case(seed: 21, shape: [2, 4, 3, 3]);
        var valid = Enumerable.Range(0, rows.Length).Where(p => targets[p] != Ignore).ToArray();
        var probabilities = valid.Select(p => Softmax(rows[p])).ToArray();
        var perClass = new List<double>();
        var all = new List<double>();
        for (int c = 0; c < 4; c++)
        {
            var fg = valid.Select(p => targets[p] == c).ToArray();
            var errors = probabilities.Select((pr, i) => Math.Abs((fg[i] ? 1 : 0) - pr[c])).ToArray();
            double value = BruteLovaszClass(errors, fg);
            all.Add(value);
            if (fg.Any(f => f)) perClass.Add(value);
        }
        Assert.Equal(perClass.Average(), new LovaszSoftmaxLoss(4, ignore_index: Ignore).call(input, target).Scalar(), 12);
        Assert.Equal(all.Average(), new LovaszSoftmaxLoss(4, LossClasses.All, ignore_index: Ignore).call(input, target).Scalar(), 12);
    }

    [Fact]
    public void LovaszIsZeroForAPerfectPredictionAndPerImageAveragesImages()
    {
        var target = tensor(new long[] { 0, 1, 2, 1, 0, 2 }, new long[] { 2, 3 });
        using var sixty = 60.ToScalar();
        var perfect = nn.functional.one_hot(target, 3).movedim(new long[] { -1 }, new long[] { 1 }).to_type(ScalarType.Float64).mul(sixty);
        Assert.Equal(0.0, new LovaszSoftmaxLoss(3).call(perfect, target).Scalar(), 12);
        var (input, t, _, _) = Case(seed: 30, shape: [2, 4, 3, 2]);
        var perImage = new LovaszSoftmaxLoss(4, per_image: true, ignore_index: Ignore).call(input, t).Scalar();
        var first = new LovaszSoftmaxLoss(4, ignore_index: Ignore).call(input.narrow(0, 0, 1), t.narrow(0, 0, 1)).Scalar();
        var second = new LovaszSoftmaxLoss(4, ignore_index: Ignore).call(input.narrow(0, 1, 1), t.narrow(0, 1, 1)).Scalar();
        Assert.Equal((first + second) / 2, perImage, 12);
    }

    [Fact]
    public void LdamMarginsFollowTheFormulaAndReduceToCrossEntropy()
    {
        long[] counts = [10000, 625, 16, 0];
        var ldam = new LdamLoss(counts, 0.5, 30);
        Tensors.AllClose([0.5 * 0.1 / 0.5, 0.5 * 0.2 / 0.5, 0.5, 0.5], ldam.margins_per_class.ToArray(), 1e-12);
        var (input, target, rows, targets) = Case(seed: 6);
        Assert.Equal(new CrossEntropy(4, Ignore).call(input, target).Scalar(), new LdamLoss([5, 5, 5, 5], 0, 1, ignore_index: Ignore).call(input, target).Scalar(), 12);
        var ld = new LdamLoss([100, 50, 10, 1], 0.5, 2, ignore_index: Ignore);
        var m = ld.margins_per_class;
        double sum = 0;
        int valid = 0;
        for (int p = 0; p < rows.Length; p++)
        {
            if (targets[p] == Ignore) continue;
            valid++;
            var z = rows[p].Select((v, c) => 2 * (v - (c == targets[p] ? m[c] : 0))).ToArray();
            sum += ReferenceLoss.CrossEntropy(z, targets[p]);
        }
        Assert.Equal(sum / valid, ld.call(input, target).Scalar(), 12);
    }

    [Fact]
    public void DeferredReweightingSwitchesExactlyAtTheStartEpoch()
    {
        long[] counts = [1000, 10];
        var drw = new DeferredReweighting(counts, start_epoch: 160);
        Assert.Null(drw.WeightsFor(159));
        Tensors.AllClose(FrequencyWeights.ClassBalanced(counts, 0.9999), drw.WeightsFor(160)!.ToArray());
        Assert.Equal(2.0, drw.WeightsFor(199)!.Sum(), 12);
    }

    [Fact]
    public void CombinedLossIsTheWeightedSumAndCarriesItsPartsState()
    {
        var (input, target, _, _) = Case(seed: 9);
        var ce = new CrossEntropy(4, Ignore).call(input, target).Scalar();
        var lovasz = new LovaszSoftmaxLoss(4, ignore_index: Ignore).call(input, target).Scalar();
        var combined = new CombinedLoss((1.0, new CrossEntropy(4, Ignore)), (0.25, new LovaszSoftmaxLoss(4, ignore_index: Ignore)));
        Assert.Equal(ce + 0.25 * lovasz, combined.call(input, target).Scalar(), 12);
        var withState = new CombinedLoss((1.0, new RecallCrossEntropy(4, 0.5, Ignore)), (1.0, new CrossEntropy(4, Ignore)));
        Assert.Contains(withState.state_dict().Keys, k => k.EndsWith("running_recall"));
    }

    [Fact]
    public void BadHyperParametersAreRejectedWithTheirNames()
    {
        Assert.Contains("class_counts has 3 entries", Assert.Throws<ArgumentException>(() => new FrequencyWeightedCrossEntropy(4, [1, 2, 3])).Message);
        Assert.Contains("class_counts[1] = -2", Assert.Throws<ArgumentException>(() => new ClassBalancedCrossEntropy(2, [5, -2])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OhemCrossEntropy(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OhemCrossEntropy(4, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OhemCrossEntropy(4, min_kept: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OhemCrossEntropy(4, threshold: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FocalLoss(4, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassBalancedCrossEntropy(2, [5, 2], 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassBalancedCrossEntropy(2, [5, 2], -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LdamLoss([5, 2], s: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LdamLoss([5, 2], max_m: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftIoULoss(4, smooth: -1));
        Assert.Throws<ArgumentException>(() => new CombinedLoss());
    }
}
