using System.Text.Json.Nodes;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Tasks;

namespace RecallKit.Tests.Training;

/// <summary>A config passed between components in memory: no temporary file for a comparison's base, one line to a data worker.</summary>
public sealed class InMemoryConfigTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-inmemory-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void AJsonObjectLoadsAsItsFileWouldAndIsNotChanged()
    {
        var root = JsonNode.Parse("""{"loss": {"kind": "focal", "gamma": 1.5}, "schedule": {"iterations": 7}}""")!.AsObject();
        var before = root.ToJsonString();
        var file = Path.Combine(dir, "c.json");
        File.WriteAllText(file, before);
        string[] overrides = ["loss.gamma=3", "data.batch_size=2"];
        var fromMemory = ConfigLoader.Load(root, "base", overrides);
        Assert.Equal(ConfigLoader.ToJson(ConfigLoader.Load(file, overrides)), ConfigLoader.ToJson(fromMemory));
        Assert.Equal((3.0, 2, 7), (fromMemory.Loss.Focal.Gamma, fromMemory.Data.BatchSize, fromMemory.Schedule.Iterations));
        Assert.Equal(before, root.ToJsonString());
    }

    [Fact]
    public void NumbersBuiltInCodeAreReadLikeNumbersParsedFromAFile()
    {
        // A comparison builds its variants' JSON in memory: an int or double node there is no JsonElement.
        var root = new JsonObject
        {
            ["data"] = new JsonObject { ["crop_width"] = 192, ["crop_height"] = 96 },
            ["optimizer"] = new JsonObject { ["learning_rate"] = 0.002 },
        };
        var config = ConfigLoader.Load(root, "base");
        Assert.Equal(192, config.Data.Segmentation.CropWidth);
        Assert.Equal(0.002, config.Optimizer.LearningRate);
        var huge = JsonNode.Parse("""{ "optimizer": { "learning_rate": 1e999 } }""")!.AsObject();
        Assert.Equal("base: optimizer.learning_rate = 1e999 is not valid: expected a finite number.",
            Assert.Throws<ConfigException>(() => ConfigLoader.Load(huge, "base")).Message);
    }

    [Fact]
    public void AnInMemoryConfigsErrorsNameItsSource()
    {
        var root = JsonNode.Parse("""{"loss": {"gamm": 2}}""")!.AsObject();
        Assert.StartsWith("base: unknown key 'loss.gamm'", Assert.Throws<ConfigException>(() => ConfigLoader.Load(root, "base")).Message);
        var wrongType = JsonNode.Parse("""{"schedule": {"iterations": "many"}}""")!.AsObject();
        Assert.StartsWith("base: the value at 'schedule.iterations' has the wrong type",
            Assert.Throws<ConfigException>(() => ConfigLoader.Load(wrongType, "base")).Message);
    }

    [Fact]
    public void ADataWorkerReadsTheConfigFromOneStartUpLineAndThenItsRequests()
    {
        var config = ConfigLoader.Load(null, ["loss.kind=recall", "data.root=a\nb", "seed=9"]);
        var line = DataPrefetch.Startup(config);
        Assert.DoesNotContain('\n', line);
        using var input = new StringReader(line + "\n0 0 1\n");
        var read = DataPrefetch.ReadStartup(input);
        Assert.Equal(ConfigLoader.ToJson(config), ConfigLoader.ToJson(read!));
        Assert.Equal("0 0 1", input.ReadLine()); // the requests follow on the same reader
        Assert.Null(DataPrefetch.ReadStartup(new StringReader("")));
        Assert.Throws<ConfigException>(() => DataPrefetch.ReadStartup(new StringReader("null\n")));
    }
}
