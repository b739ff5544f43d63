using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;

namespace RecallKit.Tests.Training;

/// <summary><c>recallkit config init</c> writes a starting config that loads for every dataset kind; <c>config show</c> prints every key.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-configcmd-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<DatasetKind> Kinds() => new(Enum.GetValues<DatasetKind>());

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheStartingConfigOfEveryKindLoadsWithItsKindRootAndRecallLoss(DatasetKind kind)
    {
        var path = Path.Combine(dir, "start.json");
        File.WriteAllText(path, StarterConfig.For(kind, "/data/x"));
        Assert.Contains("//", File.ReadAllText(path)); // commented
        var config = ConfigLoader.Load(path);
        Assert.Equal((kind, "/data/x", LossKind.Recall), (config.Data.Kind, config.Data.Root, config.Loss.Kind));
    }

    [Fact]
    public async Task ShowPrintsEveryKeyWithOverridesAppliedAndMarksWhatIsNotRead()
    {
        var (code, stdout, stderr) = await Support.CliProcess.RunAsync("config", "show", "--set", "data.kind=voc", "--set", "loss.kind=focal", "--set", "loss.gamma=3");
        Assert.True(code == 0, stderr);
        var path = Path.Combine(dir, "shown.json");
        File.WriteAllText(path, stdout);
        var shown = ConfigLoader.Load(path); // what it prints loads back, comments and all
        Assert.Equal((DatasetKind.Voc, LossKind.Focal, 3.0), (shown.Data.Kind, shown.Loss.Kind, shown.Loss.Focal.Gamma));
        Assert.Equal(ConfigApplicability.Flatten(new TrainConfig()).Keys.Order(), ConfigApplicability.Flatten(shown).Keys.Order()); // every key
        Assert.Contains("\"synthetic_train\": 300,  // not read here: read with data.kind = synthetic", stdout);
        Assert.DoesNotContain("\"crop_width\": 192,  //", stdout);
    }

    [Fact]
    public async Task InitRefusesAnUnknownKindListingTheKinds()
    {
        var (code, _, stderr) = await Support.CliProcess.RunAsync("config", "init", "--data", "pascal", "--root", dir);
        Assert.Equal(2, code);
        Assert.Contains("--data pascal is not a dataset kind; it must be one of: synthetic, folder, voc, ade20k, camvid", stderr);
    }
}
