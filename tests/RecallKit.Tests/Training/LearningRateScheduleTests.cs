using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void WarmsUpLinearlyThenDecaysPoly()
    {
        var s = new LearningRateSchedule(0.1, Iterations: 110, WarmupIterations: 10, Power: 0.9);
        Assert.Equal(0.01, s.At(0), 12);
        Assert.Equal(0.1, s.At(9), 12);
        Assert.Equal(0.1, s.At(10), 12);
        Assert.Equal(0.1 * Math.Pow(0.5, 0.9), s.At(60), 12);
        Assert.Equal(0.1 * Math.Pow(0.01, 0.9), s.At(109), 12);
    }

    [Fact]
    public void WithoutWarmupStartsAtTheBaseRate()
    {
        var s = new LearningRateSchedule(2e-3, 100, 0, 1.0);
        Assert.Equal(2e-3, s.At(0), 15);
        Assert.Equal(1e-3, s.At(50), 15);
    }
}
