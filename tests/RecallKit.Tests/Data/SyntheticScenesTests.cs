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
        Assert.Equal(f.Pixels, TrainingSplitCounts.Compute(train));
        var sample = train.Load(0);
        Assert.Equal((48, 32), (sample.Width, sample.Height));
        Assert.Equal(2, new FolderDataset(dir, "val").Count);
    }

    [Fact]
    public void ConfusabilityRecoloursTheRareClassesOnlyAndZeroKeepsTheBuiltInScenes()
    {
        SyntheticScenes.Generate(Path.Combine(dir, "p0"), 6, 1, 96, 48, seed: 5);
        SyntheticScenes.Generate(Path.Combine(dir, "p0-explicit"), 6, 1, 96, 48, seed: 5, confusability: 0);
        SyntheticScenes.Generate(Path.Combine(dir, "p1"), 6, 1, 96, 48, seed: 5, confusability: 1);
        foreach (var f in Directory.GetFiles(Path.Combine(dir, "p0"), "*.png", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(f.Replace(Path.Combine(dir, "p0"), Path.Combine(dir, "p0-explicit"))));

        // Same layout (labels) whatever the colours; rare-class pixels move towards their background's colour.
        var plain = new FolderDataset(Path.Combine(dir, "p0"), "train");
        var camouflaged = new FolderDataset(Path.Combine(dir, "p1"), "train");
        double plainGap = 0, camouflagedGap = 0;
        for (int i = 0; i < plain.Count; i++)
        {
            var a = plain.Load(i);
            var b = camouflaged.Load(i);
            Assert.Equal(a.Labels, b.Labels);
            plainGap += RareToBackgroundGap(a);
            camouflagedGap += RareToBackgroundGap(b);
        }
        Assert.True(camouflagedGap < 0.5 * plainGap, $"mean colour gap pedestrian↔sidewalk and bicycle↔road: {camouflagedGap:F1} with p = 1 vs {plainGap:F1} with p = 0");
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticScenes.Generate(Path.Combine(dir, "bad"), 1, 1, 32, 32, seed: 1, confusability: 1.5));
    }

    /// <summary>Sum over (pedestrian, sidewalk) and (bicycle, road) of the distance between the two classes' mean RGB.</summary>
    private static double RareToBackgroundGap(LabeledImage sample)
    {
        double Gap(int rare, int background)
        {
            var (m1, n1) = Mean(rare);
            var (m2, n2) = Mean(background);
            return n1 == 0 || n2 == 0 ? 0 : Math.Sqrt(Enumerable.Range(0, 3).Sum(c => (m1[c] - m2[c]) * (m1[c] - m2[c])));
        }
        (double[] mean, int n) Mean(int cls)
        {
            var sum = new double[3];
            int n = 0;
            for (int p = 0; p < sample.Labels.Length; p++)
                if (sample.Labels[p] == cls)
                {
                    for (int c = 0; c < 3; c++) sum[c] += sample.Rgb[3 * p + c];
                    n++;
                }
            return (sum.Select(v => n == 0 ? 0 : v / n).ToArray(), n);
        }
        return Gap(SceneClasses.Pedestrian, SceneClasses.Sidewalk) + Gap(SceneClasses.Bicycle, SceneClasses.Road);
    }
}
