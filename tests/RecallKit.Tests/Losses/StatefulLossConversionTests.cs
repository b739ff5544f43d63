using RecallKit.Losses;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// The EMA state of the metric-weighted losses after <c>Module.to(device / dtype)</c>: the forward must update the registered
/// buffer that <c>state_dict()</c> reports, not a tensor the conversion left behind.
/// </summary>
public class StatefulLossConversionTests
{
    private const long Ignore = 255;

    // Batch recall of this case: class 0 = 1/2 (row 1 predicts class 1), class 1 = 1, class 2 = 1; the last row is ignored.
    private static (Tensor input, Tensor target) HandCase(ScalarType dtype) => (
        Tensors.Logits(new double[,] { { 2, 1, 0 }, { 0, 2, 1 }, { 1, 0, 3 }, { 0, 1, 0.5 }, { 3, 0, 0 } }, dtype),
        Tensors.Targets(0, 0, 2, 1, Ignore));

    private static readonly double[] HandCrossEntropies =
    [
        ReferenceLoss.CrossEntropy([2, 1, 0], 0), ReferenceLoss.CrossEntropy([0, 2, 1], 0),
        ReferenceLoss.CrossEntropy([1, 0, 3], 2), ReferenceLoss.CrossEntropy([0, 1, 0.5], 1),
    ];

    private static double HandMean(double[] w) =>
        (w[0] * (HandCrossEntropies[0] + HandCrossEntropies[1]) + w[2] * HandCrossEntropies[2] + w[1] * HandCrossEntropies[3]) / 4;

    public static TheoryData<string> Conversions => ["float64", "float32", "cpu", "cpu+float32"];

    private static void Convert(nn.Module module, string conversion)
    {
        switch (conversion)
        {
            case "float64": module.to(ScalarType.Float64); break;
            case "float32": module.to(ScalarType.Float32); break;
            case "cpu": module.to(CPU); break;
            default: module.to(CPU, ScalarType.Float32); break;
        }
    }

    private static ScalarType BufferType(string conversion) => conversion.Contains("float32") ? ScalarType.Float32 : ScalarType.Float64;

    [Theory]
    [MemberData(nameof(Conversions))]
    public void EmaBufferUpdatesThroughStateDictAfterConversion(string conversion)
    {
        using var loss = new RecallCrossEntropy(3, 0.1, Ignore);
        Convert(loss, conversion);
        loss.train();
        var dtype = BufferType(conversion);
        double tolerance = dtype == ScalarType.Float32 ? 1e-6 : 1e-15;
        var (input, target) = HandCase(dtype);

        var first = loss.call(input, target);
        var state = loss.state_dict();
        Assert.Equal(["running_recall"], state.Keys.Order().ToArray());
        Assert.Equal(dtype, state["running_recall"].dtype);
        // R̄ = 0.1·R + 0.9·0 = [0.05, 0.1, 0.1]; w = 1 − R̄.
        Tensors.AllClose([0.05, 0.1, 0.1], state["running_recall"].ToDoubles(), tolerance);
        Tensors.AllClose([0.05, 0.1, 0.1], loss.running_recall.ToDoubles(), tolerance);
        Tensors.AllClose([0.95, 0.9, 0.9], loss.last_weights.ToDoubles(), tolerance);
        Assert.Equal(ScalarType.Float64, loss.last_weights.dtype);
        Assert.Equal(dtype, first.dtype);
        Assert.Equal(HandMean([0.95, 0.9, 0.9]), first.Scalar(), dtype == ScalarType.Float32 ? 6 : 14);

        // Second step: R̄ = 0.1·R + 0.9·[0.05, 0.1, 0.1] = [0.095, 0.19, 0.19].
        var second = loss.call(input, target);
        Tensors.AllClose([0.095, 0.19, 0.19], loss.state_dict()["running_recall"].ToDoubles(), tolerance);
        Tensors.AllClose([0.905, 0.81, 0.81], loss.last_weights.ToDoubles(), tolerance);
        Assert.Equal(HandMean([0.905, 0.81, 0.81]), second.Scalar(), dtype == ScalarType.Float32 ? 6 : 14);
    }

    [Theory]
    [MemberData(nameof(Conversions))]
    public void EmaStateRoundTripsThroughStateDictAndFileAfterConversion(string conversion)
    {
        var dtype = BufferType(conversion);
        var (input, target) = HandCase(dtype);
        using var trained = new RecallCrossEntropy(3, 0.1, Ignore);
        Convert(trained, conversion);
        trained.call(input, target);

        using var viaDict = new RecallCrossEntropy(3, 0.1, Ignore);
        Convert(viaDict, conversion);
        viaDict.load_state_dict(trained.state_dict());
        viaDict.eval();
        viaDict.call(input, target);
        Tensors.AllClose([0.05, 0.1, 0.1], viaDict.state_dict()["running_recall"].ToDoubles(), dtype == ScalarType.Float32 ? 1e-6 : 1e-15);
        // Eval mode reads the loaded state: w = 1 − R̄.
        Tensors.AllClose([0.95, 0.9, 0.9], viaDict.last_weights.ToDoubles(), dtype == ScalarType.Float32 ? 1e-6 : 1e-15);

        var path = Path.Combine(Path.GetTempPath(), $"recallkit-converted-{Guid.NewGuid():N}.bin");
        try
        {
            trained.save(path);
            using var viaFile = new RecallCrossEntropy(3, 0.1, Ignore);
            Convert(viaFile, conversion);
            viaFile.load(path);
            viaFile.eval();
            viaFile.call(input, target);
            Tensors.AllClose(trained.running_recall.ToDoubles(), viaFile.state_dict()["running_recall"].ToDoubles(), 0);
            Tensors.AllClose([0.95, 0.9, 0.9], viaFile.last_weights.ToDoubles(), dtype == ScalarType.Float32 ? 1e-6 : 1e-15);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Conversions))]
    public void MetricWeightedLossKeepsOneBufferNameAfterConversion(string conversion)
    {
        // Precision with α = 0.5: predictions 0, 1, 0 for targets 0, 1, 2 → precision [1/2, 1, undefined].
        var input = Tensors.Logits(new double[,] { { 3, 0, 0 }, { 0, 3, 0 }, { 3, 0, 0 } }, BufferType(conversion));
        using var loss = new MetricWeightedCrossEntropy(3, RegionMetric.Precision, ema_alpha: 0.5);
        Convert(loss, conversion);
        loss.call(input, Tensors.Targets(0, 1, 2));
        var state = loss.state_dict();
        Assert.Equal(["running_precision"], state.Keys.Order().ToArray());
        Tensors.AllClose([0.25, 0.5, 0], state["running_precision"].ToDoubles(), 1e-7);
        Tensors.AllClose([0.75, 0.5, 1], loss.last_weights.ToDoubles(), 1e-7);
        // The non-persistent buffer (which TorchSharp's named_buffers leaves out) is converted as well.
        Assert.Equal(BufferType(conversion), loss.get_buffer("last_weights")!.dtype);
        Assert.Equal(BufferType(conversion), state["running_precision"].dtype);
    }

    [Fact]
    public void EmaStateOfALossInsideACombinedLossFollowsTheConversion()
    {
        var (input, target) = HandCase(ScalarType.Float32);
        using var combined = new CombinedLoss((1.0, new RecallCrossEntropy(3, 0.1, Ignore)), (1.0, new CrossEntropy(3, Ignore)));
        combined.to(ScalarType.Float32);
        combined.call(input, target);
        var state = combined.state_dict();
        var key = Assert.Single(state.Keys);
        Assert.EndsWith("running_recall", key);
        Assert.Equal(ScalarType.Float32, state[key].dtype);
        Tensors.AllClose([0.05, 0.1, 0.1], state[key].ToDoubles(), 1e-6);
    }
}
