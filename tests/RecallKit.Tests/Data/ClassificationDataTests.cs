using RecallKit.Vision.Data.Classification;

namespace RecallKit.Tests.Data;

public sealed class ClassificationDataTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-idx-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdxFilesRoundTripPlainAndGzip(bool gzip)
    {
        var images = new IdxFile([3, 2, 2], Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray());
        var path = Path.Combine(dir, gzip ? "images-idx3-ubyte.gz" : "images-idx3-ubyte");
        images.Write(path, gzip);
        var read = IdxFile.Read(path);
        Assert.Equal([3, 2, 2], read.Shape);
        Assert.Equal(images.Data, read.Data);
        if (gzip) Assert.Equal(0x1f, File.ReadAllBytes(path)[0]);
    }

    [Fact]
    public void BadIdxFilesAreNamed()
    {
        var path = Path.Combine(dir, "bad");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(() => IdxFile.Read(path)).Message);
        File.WriteAllBytes(path, [0, 0, 8, 1, 0, 0, 0, 5, 1, 2]);
        Assert.Contains("needs 5 bytes", Assert.Throws<InvalidDataException>(() => IdxFile.Read(path)).Message);
        File.WriteAllBytes(path, [0, 0, 0x0D, 1, 0, 0, 0, 1, 1, 2, 3, 4]);
        Assert.Contains("not unsigned byte", Assert.Throws<InvalidDataException>(() => IdxFile.Read(path)).Message);
    }

    [Fact]
    public void LongTailCountsFollowTheExponentialProfileExactly()
    {
        Assert.Equal([5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50], LongTailProfile.Counts(10, 5000, 100));
        Assert.Equal([6000, 6000, 6000], LongTailProfile.Counts(3, 6000, 1));
        Assert.Equal([7], LongTailProfile.Counts(1, 7, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => LongTailProfile.Counts(10, 100, 0.5));
    }

    [Fact]
    public void SubsetSelectionTakesExactlyTheCountsDeterministically()
    {
        var labels = Enumerable.Range(0, 300).Select(i => i % 3).ToArray();
        int[] counts = [100, 30, 5];
        var a = LongTailProfile.Select(labels, counts, 1);
        Assert.Equal(counts, Enumerable.Range(0, 3).Select(c => a.Count(i => labels[i] == c)).ToArray());
        Assert.Equal(a, LongTailProfile.Select(labels, counts, 1));
        Assert.NotEqual(a, LongTailProfile.Select(labels, counts, 2));
        Assert.Contains("class 2 has 100", Assert.Throws<InvalidDataException>(() => LongTailProfile.Select(labels, [1, 1, 101], 1)).Message);
    }
}

public class FashionMnistTests
{
    [Fact]
    public void ReadsTheDebianFilesAndBuildsTheLongTailedSplit()
    {
        if (!Directory.Exists(FashionMnist.DefaultDirectory))
            Assert.Skip($"Fashion-MNIST is not installed ({FashionMnist.DefaultDirectory}); `apt-get install dataset-fashion-mnist` (.ci/run does).");
        var train = FashionMnist.Load(FashionMnist.DefaultDirectory, train: true);
        var test = FashionMnist.Load(FashionMnist.DefaultDirectory, train: false);
        Assert.Equal((60000, 28, 28), (train.Count, train.Height, train.Width));
        Assert.Equal(10000, test.Count);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, train.Labels.Count(l => l == c)));
        var lt = FashionMnist.LongTailed(train, 100, seed: 3);
        Assert.Equal(LongTailProfile.Counts(10, 6000, 100), Enumerable.Range(0, 10).Select(c => lt.Labels.Count(l => l == c)).ToArray());
        Assert.Equal(60, lt.Labels.Count(l => l == 9));
        Assert.Equal(lt.Count * 28 * 28, lt.Pixels.Length);
    }

    [Fact]
    public void AMissingDirectoryTellsHowToInstallTheData()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load("/nonexistent-fashion", train: true));
        Assert.Contains("dataset-fashion-mnist", e.Message);
    }
}
