using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Synthetic;

namespace RecallKit.Tests.Data;

public sealed class SyntheticScenesTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-synth-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void SameSeedGivesIdenticalFilesAndAnotherSeedDoesNot()
    {
        SyntheticScenes.Generate(Path.Combine(dir, "a"), 6, 2, 64, 32, seed: 3);
        SyntheticScenes.Generate(Path.Combine(dir, "b"), 6, 2, 64, 32, seed: 3);
        SyntheticScenes.Generate(Path.Combine(dir, "c"), 6, 2, 64, 32, seed: 4);
        var files = Directory.GetFiles(Path.Combine(dir, "a"), "*.png", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(dir, "a"), f)).Order().ToArray();
        Assert.Equal(16, files.Length);
        foreach (var f in files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a", f)), File.ReadAllBytes(Path.Combine(dir, "b", f)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(dir, "a", files[0])), File.ReadAllBytes(Path.Combine(dir, "c", files[0])));
    }

    [Fact]
    public void FrequenciesAreStronglyImbalancedInTheIntendedOrder()
    {
        var f = SyntheticScenes.Generate(dir, 40, 1, 96, 48, seed: 7);
        var share = f.Shares;
        foreach (var large in new[] { SceneClasses.Road, SceneClasses.Sidewalk, SceneClasses.Building, SceneClasses.Sky })
            Assert.True(share[large] > 0.10, $"{SceneClasses.Names[large]} {share[large]:P2}");
        foreach (var small in new[] { SceneClasses.Pedestrian, SceneClasses.Bicycle, SceneClasses.Pole, SceneClasses.Sign })
            Assert.InRange(share[small], 0.0005, 0.02);
        Assert.True(f.Ignored > 0, "about half the scenes have an ignored bonnet");
        Assert.Equal(40L * 96 * 48, f.Pixels.Sum() + f.Ignored);
    }

    [Fact]
    public void OutputIsAValidFolderDatasetWhoseLabelsMatchTheFrequencyTable()
    {
        var f = SyntheticScenes.Generate(dir, 5, 2, 48, 32, seed: 1);
        var train = new FolderDataset(dir, "train");
        Assert.Equal(5, train.Count);
        Assert.Equal(SceneClasses.Names, train.Classes.Names);
        Assert.Equal(f.Pixels, TrainingClassCounts.Compute(train));
        var sample = train.Load(0);
        Assert.Equal((48, 32), (sample.Width, sample.Height));
        Assert.Equal(2, new FolderDataset(dir, "val").Count);
    }
}
