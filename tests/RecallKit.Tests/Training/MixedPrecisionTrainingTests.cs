using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

/// <summary>
/// Training with <c>precision = bf16</c>: the weights and checkpoints stay float32, a run changes precision on resume, and the
/// non-finite check still stops a run.
/// </summary>
[Collection(nameof(GlobalTorchState))]
public sealed class MixedPrecisionTrainingTests() : TempDirectoryTest("recallkit-precision-")
{
    /// <summary>LiteSeg on 32×32 colour-coded scenes, SGD at 1e-2 (the setting of the NaN an earlier bf16 attempt met).</summary>
    private static TrainConfig Config(string output, int iterations, PrecisionKind precision) => TinyTraining.Config(output, iterations) with
    {
        Precision = precision,
        Optimizer = new OptimizerConfig { Kind = OptimizerKind.Sgd, LearningRate = 1e-2, Momentum = 0.9 },
        Schedule = new ScheduleConfig { Iterations = iterations, EvalEvery = 0, LogEvery = 2, CheckpointEvery = 4 },
    };

    private static Trainer Trainer(TrainConfig config, nn.Module<Tensor, Tensor> network, nn.Module<Tensor, Tensor, Tensor>? loss = null) =>
        new(config, new SegmentationTask(network, loss ?? nn.CrossEntropyLoss(ignore_index: 255), ColourCodedBatches.ClassNames),
            new ColourCodedBatches(24, 4, 32, 32, seed: 1), new ColourCodedBatches(4, 4, 32, 32, seed: 2), TextWriter.Null);

    private static nn.Module<Tensor, Tensor> Network()
    {
        manual_seed(21);
        return SegmentationModels.Create(Architecture.LiteSeg, ColourCodedBatches.Classes);
    }

    [Theory]
    [InlineData(PrecisionKind.Bf16, PrecisionKind.Fp32)]
    [InlineData(PrecisionKind.Fp32, PrecisionKind.Bf16)]
    public void ARunResumesInTheOtherPrecisionFromFloat32Checkpoints(PrecisionKind first, PrecisionKind then)
    {
        var output = Path.Combine(dir, $"{first}-{then}");
        using var network = Network();
        Trainer(Config(output, 12, first), network).Run(resume: false);
        AssertFloat32AndFinite(network);
        var afterFirst = Snapshot(network);
        using (var checkpoint = Checkpoint.Load(Path.Combine(output, "last.ckpt")))
        {
            using var restored = Network();
            checkpoint.Read(RunCheckpoint.Model, r => restored.load(r));
            var saved = Snapshot(restored);
            Assert.Equal(afterFirst.Keys, saved.Keys);
            foreach (var (name, values) in afterFirst) Assert.Equal(values, saved[name]); // the float32 weights, bit for bit
        }

        var result = Trainer(Config(output, 16, then), network).Run(resume: true);
        Assert.True(result.Completed);
        Assert.Equal(16, result.Iterations);
        AssertFloat32AndFinite(network);
        var rows = File.ReadAllLines(Path.Combine(output, "train_log.csv")).Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal(8, rows.Length); // every second step of 16
        Assert.All(rows, r => Assert.True(double.IsFinite(double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Contains($"\"precision\": \"{then.ToString().ToLowerInvariant()}\"", File.ReadAllText(Path.Combine(output, "config.json")));
    }

    [Fact]
    public void TheNonFiniteCheckStillStopsABf16Run()
    {
        var output = Path.Combine(dir, "nan");
        using var network = Network();
        using var loss = new NaNAtCall(7);
        var e = Assert.Throws<NonFiniteLossException>(() => Trainer(Config(output, 12, PrecisionKind.Bf16), network, loss).Run(resume: false));
        Assert.Contains("step 8", e.Message);
        Assert.Equal(4, CheckpointFile.Step(Path.Combine(output, "last.ckpt")));
    }

    private static void AssertFloat32AndFinite(nn.Module network)
    {
        Assert.All(network.parameters(), p =>
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.isfinite().all().item<bool>());
        });
        Assert.All(network.buffers().Where(b => b.is_floating_point()), b => Assert.Equal(ScalarType.Float32, b.dtype));
    }

    private static Dictionary<string, float[]> Snapshot(nn.Module network) =>
        network.state_dict().Where(e => e.Value.dtype == ScalarType.Float32)
            .ToDictionary(e => e.Key, e => e.Value.detach().cpu().contiguous().data<float>().ToArray());

    /// <summary>Cross-entropy that returns NaN on its <paramref name="nanCall"/>-th training call.</summary>
    private sealed class NaNAtCall(int nanCall) : nn.Module<Tensor, Tensor, Tensor>("nan")
    {
        private int calls;

        public override Tensor forward(Tensor input, Tensor target)
        {
            var value = nn.functional.cross_entropy(input, target, ignore_index: 255);
            if (!training || ++calls != nanCall) return value;
            using var nan = double.NaN.ToScalar();
            return value.mul(nan);
        }
    }
}
