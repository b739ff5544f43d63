using RecallKit.Tests.Support;
using System.Globalization;
using RecallKit.Losses;
using RecallKit.Tests.Training;
using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Tests.Classification;

/// <summary>LDAM's deferred re-weighting, applied by the trainer through the classification task's hook.</summary>
[Collection(nameof(Support.GlobalTorchState))]
public sealed class DeferredReweightingHookTests() : TempDirectoryTest("recallkit-drw-")
{
    private const int DrwStart = 3, Images = 16, Batch = 4;

    /// <summary>Class-balanced weights by hand: (1 − β) / (1 − β^n_c), scaled to sum to the number of classes.</summary>
    private static double[] ClassBalanced(IReadOnlyList<long> counts, double beta = 0.9999)
    {
        var raw = counts.Select(n => (1 - beta) / (1 - Math.Pow(beta, n))).ToArray();
        return raw.Select(w => w * counts.Count / raw.Sum()).ToArray();
    }

    /// <summary>Trains LDAM (DRW from step <see cref="DrwStart"/>) to <paramref name="iterations"/>, logging every step; returns train_log.csv's weight columns per step.</summary>
    private double[][] Train(string output, int iterations, bool resume, out long[] counts)
    {
        counts = ColourCodedImages.Counts(Images, seed: 3);
        manual_seed(1);
        using var network = new ClassificationNetwork(new SmallCnn(in_channels: 3), ColourCodedBatches.Classes, decoupled: false);
        using var loss = new LdamLoss(counts, ignore_index: -100);
        var config = TinyTraining.Config(output, iterations) with
        {
            Loss = new LossConfig { Kind = LossKind.Ldam },
            Schedule = new ScheduleConfig { Iterations = iterations, EvalEvery = 0, LogEvery = 1, CheckpointEvery = 2 },
            Threads = 1,
        };
        var task = new ClassificationTask(network, loss, ColourCodedBatches.ClassNames, counts, drw_start_iteration: DrwStart);
        new Trainer(config, task, new ColourCodedImages(Images, Batch, size: 8, seed: 3), new ColourCodedImages(8, Batch, size: 8, seed: 4),
            TextWriter.Null).Run(resume);
        var lines = File.ReadAllLines(Path.Combine(output, "train_log.csv"));
        var header = lines[0].Split(',');
        var weightColumns = header.Select((name, i) => (name, i)).Where(c => c.name.StartsWith(LogColumns.WeightPrefix)).Select(c => c.i).ToArray();
        return lines.Skip(1).Select(line => line.Split(','))
            .Select(cells => weightColumns.Select(i => double.TryParse(cells[i], CultureInfo.InvariantCulture, out var w) ? w : double.NaN).ToArray())
            .ToArray();
    }

    [Fact]
    public void TheTrainerAppliesClassBalancedWeightsFromTheStartStepOnAndNoneBefore()
    {
        var weights = Train(Path.Combine(dir, "straight"), iterations: 6, resume: false, out var counts);
        Assert.Equal(6, weights.Length);
        var expected = ClassBalanced(counts);
        for (int step = 1; step <= 6; step++)
        {
            // row `step` is written after step index step − 1 ran: weighted from index DrwStart on
            if (step - 1 < DrwStart) Assert.All(weights[step - 1], w => Assert.True(double.IsNaN(w), $"step {step}: unweighted, got {w}"));
            else
                for (int c = 0; c < expected.Length; c++) Assert.Equal(expected[c], weights[step - 1][c], 6);
        }
        Assert.True(expected[^1] > expected[0]); // the rarest class weighs most
    }

    [Fact]
    public void AResumedRunGetsTheWeightsOfTheStepItResumesAt()
    {
        var straight = Train(Path.Combine(dir, "straight"), iterations: 6, resume: false, out _);
        var output = Path.Combine(dir, "resumed");
        Train(output, iterations: 4, resume: false, out _); // stops after step index 3, the first weighted one
        var resumed = Train(output, iterations: 6, resume: true, out _);
        Assert.Equal(straight.Length, resumed.Length);
        for (int row = 0; row < straight.Length; row++) Assert.Equal(straight[row], resumed[row]);
    }
}
