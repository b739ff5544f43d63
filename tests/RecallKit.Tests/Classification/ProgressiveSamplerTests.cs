using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Tests.Classification;

/// <summary>
/// data.sampler = progressive (Kang et al. 2020, p_j(t) = (1 − t/T)·n_j/N + (t/T)/C): the class frequencies it draws at the
/// start, the middle and the end of a run, its determinism in (seed, epoch), and T from the run's iterations.
/// </summary>
public class ProgressiveSamplerTests
{
    private static readonly int[] Labels = [.. Enumerable.Repeat(0, 800), .. Enumerable.Repeat(1, 150), .. Enumerable.Repeat(2, 50)];

    /// <summary>Shares of each class over 30 seeds' draws of <paramref name="epoch"/> (30 000 draws: σ ≤ 0.003).</summary>
    private static double[] Shares(int epoch, int total_epochs)
    {
        var draws = Enumerable.Range(0, 30).SelectMany(seed => ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, seed, epoch, total_epochs)).ToArray();
        return Enumerable.Range(0, 3).Select(c => draws.Count(i => Labels[i] == c) / (double)draws.Length).ToArray();
    }

    [Theory]
    // t = 0: instance-balanced, n_j / N.
    [InlineData(0, 0.80, 0.15, 0.05)]
    // t = T/2: (0.8 + 1/3)/2, (0.15 + 1/3)/2, (0.05 + 1/3)/2.
    [InlineData(5, 0.566667, 0.241667, 0.191667)]
    // t = T − 1 = 9: 0.1·n_j/N + 0.9/3.
    [InlineData(9, 0.38, 0.315, 0.305)]
    // past T the schedule stays class-balanced.
    [InlineData(12, 1 / 3.0, 1 / 3.0, 1 / 3.0)]
    public void ClassFrequenciesFollowTheScheduleAtTheStartMiddleAndEndOfTheRun(int epoch, double p0, double p1, double p2)
    {
        Support.Tensors.AllClose([p0, p1, p2], ClassSampler.ProgressiveWeights([800, 150, 50], epoch, 10), 1e-5);
        var shares = Shares(epoch, 10);
        Assert.InRange(shares[0], p0 - 0.012, p0 + 0.012);
        Assert.InRange(shares[1], p1 - 0.012, p1 + 0.012);
        Assert.InRange(shares[2], p2 - 0.012, p2 + 0.012);
    }

    [Fact]
    public void TheOrderDependsOnlyOnSeedEpochAndTheRunLength()
    {
        var a = ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, 7, 3, 10);
        Assert.Equal(Labels.Length, a.Length);
        Assert.Equal(a, ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, 7, 3, 10));
        Assert.NotEqual(a, ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, 7, 4, 10));
        Assert.NotEqual(a, ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, 8, 3, 10));
        // At t = 0 the weights are n_j/N whatever T is: the same draws.
        Assert.Equal(ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, 7, 0, 10), ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, 7, 0, 50));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, 7, 0));
        Assert.Contains("number of epochs", e.Message);
    }

    [Fact]
    public void ATrainingSplitWithAnEmptyClassBalancesOverThePresentClasses()
    {
        int[] labels = [.. Enumerable.Repeat(0, 90), .. Enumerable.Repeat(2, 10)];
        var draws = Enumerable.Range(0, 200).SelectMany(seed => ClassSampler.Epoch(labels, 3, SamplerKind.Progressive, seed, 10, 10)).ToArray();
        Assert.DoesNotContain(draws, i => labels[i] == 1);
        Assert.InRange(draws.Count(i => labels[i] == 2) / (double)draws.Length, 0.49, 0.51);
    }

    private sealed class LabelsOnly(int[] labels) : IClassificationDataset
    {
        public IReadOnlyList<string> ClassNames { get; } = ["a", "b", "c"];
        public IReadOnlyList<int> Labels => labels;
        public RawImage Load(int index) => new(new byte[4], 1, 2, 2);
        public string Describe(int index) => $"sample {index}";
    }

    [Fact]
    public void TheBatchesSpanTheRunsIterationsAndDrawTheEpochsOrderFromTheSchedule()
    {
        var augmentation = new ClassificationAugmentation(2, 0, false, [0.5f], [0.25f]);
        // 1000 samples in batches of 100: 10 batches per epoch; 95 iterations span 10 epochs (the last in part), 100 span 10, 101 span 11.
        foreach (var (iterations, epochs) in new[] { (95, 10), (100, 10), (101, 11) })
            Assert.Equal(epochs, new ClassificationBatches(new LabelsOnly(Labels), 100, augmentation, training: true, SamplerKind.Progressive, 3, iterations: iterations).TotalEpochs);
        var batches = new ClassificationBatches(new LabelsOnly(Labels), 100, augmentation, training: true, SamplerKind.Progressive, 3, iterations: 100);
        var drawn = batches.Epoch(5, 0, CancellationToken.None).SelectMany(b => b.Labels).ToArray();
        var expected = ClassSampler.Epoch(Labels, 3, SamplerKind.Progressive, 3, 5, 10).Select(i => (long)Labels[i]).ToArray();
        Assert.Equal(expected, drawn);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationBatches(new LabelsOnly(Labels), 100, augmentation, training: true, SamplerKind.Progressive, 3));
        Assert.Contains("iterations", e.Message);
    }
}
