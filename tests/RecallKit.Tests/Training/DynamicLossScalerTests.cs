using RecallKit.Tests.Support;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

/// <summary>
/// The loss scaler's state machine (PyTorch's GradScaler defaults: 65536, ×2 after 2000 good steps, ×0.5 on overflow), driven
/// on the CPU with float16 gradients: elementwise float16 arithmetic exists on the CPU even where its convolutions do not.
/// </summary>
public sealed class DynamicLossScalerTests
{
    [Fact]
    public void TheLossIsScaledAndTheGradientsUnscaledExactly()
    {
        using var scope = NewDisposeScope();
        var scaler = new DynamicLossScaler(initial_scale: 1024);
        var loss = tensor(0.75f, dtype: ScalarType.Float16);
        Assert.Equal(768.0, scaler.ScaleLoss(loss).Scalar());
        // Gradients as a backward pass of the scaled loss leaves them: 1024 × (0.5, −0.25, 2⁻²⁰); the last one unscaled is
        // float16's 2⁻²⁰ (a subnormal), exactly.
        var gradient = tensor(new float[] { 512f, -256f, 1024f * MathF.Pow(2, -20) }, dtype: ScalarType.Float16);
        Assert.True(scaler.Unscale([gradient, null]));
        Assert.Equal([0.5, -0.25, Math.Pow(2, -20)], gradient.ToDoubles());
        Assert.True(scaler.Update(true));
        Assert.Equal(1024, scaler.Scale);
        Assert.Equal(1, scaler.GoodSteps);
    }

    [Fact]
    public void AnOverflowSkipsTheStepBacksOffAndRestartsTheGrowthCount()
    {
        using var scope = NewDisposeScope();
        var scaler = new DynamicLossScaler();
        Assert.Equal(65536, scaler.Scale);
        for (int i = 0; i < 5; i++) Assert.True(scaler.Update(scaler.Unscale([ones(3, dtype: ScalarType.Float16)])));
        Assert.Equal(5, scaler.GoodSteps);

        // A forced overflow: 65504 is float16's largest value; 65504 × 2 is ∞.
        var big = tensor(new[] { 65504f, 1f, 65504f }, dtype: ScalarType.Float16);
        var overflowed = big.add(big, RecallKit.Runtime.Scalars.One);
        Assert.Equal([double.PositiveInfinity, 2, double.PositiveInfinity], overflowed.ToDoubles());
        Assert.False(scaler.Update(scaler.Unscale([ones(2, dtype: ScalarType.Float16), overflowed])));
        Assert.Equal(32768, scaler.Scale);
        Assert.Equal(0, scaler.GoodSteps);
        Assert.Equal(1, scaler.SkippedSteps);

        var nan = tensor(new[] { float.NaN }, dtype: ScalarType.Float16);
        Assert.False(scaler.Update(scaler.Unscale([nan])));
        Assert.Equal(16384, scaler.Scale);
        Assert.Equal(2, scaler.SkippedSteps);
    }

    [Fact]
    public void TheScaleGrowsAfterEachIntervalOfGoodStepsInARow()
    {
        var scaler = new DynamicLossScaler(initial_scale: 8, growth_interval: 3);
        bool[] finite = [true, true, true, true, true, false, true, true, true];
        double[] expected = [8, 8, 16, 16, 16, 8, 8, 8, 16];
        for (int i = 0; i < finite.Length; i++)
        {
            Assert.Equal(finite[i], scaler.Update(finite[i]));
            Assert.Equal(expected[i], scaler.Scale);
        }
        Assert.Equal(0, scaler.GoodSteps);
        Assert.Equal(1, scaler.SkippedSteps);
    }

    [Fact]
    public void InvalidSettingsAreRefusedNamingTheParameter()
    {
        Assert.Equal("initial_scale", Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(initial_scale: 0)).ParamName);
        Assert.Equal("growth_factor", Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(growth_factor: 1)).ParamName);
        Assert.Equal("backoff_factor", Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(backoff_factor: 1)).ParamName);
        Assert.Equal("growth_interval", Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(growth_interval: 0)).ParamName);
    }
}
