using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary><c>data.workers</c>: validated, an error where no worker runs, free to change on resume (the batches do not depend on it).</summary>
public sealed class DataWorkersConfigTests
{
    [Theory]
    [InlineData("data.workers=0")]
    [InlineData("data.workers=-2")]
    [InlineData("data.workers=65")]
    public void AWorkerCountOutsideOneToSixtyFourIsAnErrorNamingTheKey(string assignment)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, [assignment]));
        Assert.Contains($"data.workers = {assignment.Split('=')[1]} is invalid: expected 1 to 64 data worker processes", e.Message);
    }

    [Fact]
    public void AFractionalOrTextualWorkerCountIsAnError()
    {
        Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["data.workers=1.5"]));
        Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["data.workers=two"]));
    }

    [Fact]
    public void WorkersAreReadWhenPrefetchIsOnOrAuto()
    {
        Assert.Equal(2, ConfigLoader.Load(null, ["data.workers=2", "data.prefetch=on"]).Data.Workers);
        Assert.Equal(3, ConfigLoader.Load(null, ["data.workers=3"]).Data.Workers);
        Assert.Equal(1, ConfigLoader.Load(null, []).Data.Workers);
        ConfigLoader.Load(null, ["data.workers=1", "data.prefetch=off"]); // the default is never an error
    }

    [Fact]
    public void WorkersWithPrefetchOffIsAnError()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["data.workers=2", "data.prefetch=off"]));
        Assert.Contains("data.workers = 2 has no effect here: it is read only when data workers may prefetch (data.prefetch = auto or on", e.Message);
    }

    [Fact]
    public void WorkersMayChangeOnResumeAndWhenReusingAFinishedRun()
    {
        var saved = new TrainConfig();
        var requested = saved with { Data = saved.Data with { Workers = 4 } };
        Assert.Contains("data.workers", ResumeCompatibility.MayChange);
        Assert.Contains("data.workers", ResumeCompatibility.MayDifferWhenFinished);
        Assert.Empty(ResumeCompatibility.Differences(saved, requested));
        Assert.Contains("data.workers: 1 → 4", ResumeCompatibility.Differences(saved, requested, new HashSet<string>()));
    }

    [Fact]
    public void AConfigWrittenBeforeTheKeyExistedLoadsWithOneWorker()
    {
        var json = ConfigLoader.ToJson(new TrainConfig()).Replace("\"workers\": 1,", "", StringComparison.Ordinal).Replace(",\n    \"workers\": 1", "", StringComparison.Ordinal);
        Assert.DoesNotContain("workers", json);
        Assert.Equal(1, ConfigLoader.FromJson(json).Data.Workers);
    }
}
