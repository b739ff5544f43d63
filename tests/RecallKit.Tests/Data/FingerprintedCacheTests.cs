using RecallKit.Tests.Support;
using RecallKit.Vision.Data;

namespace RecallKit.Tests.Data;

/// <summary>The JSON caches beside a dataset (pixel counts, class presence): the file format, and when a cache is believed.</summary>
public sealed class FingerprintedCacheTests() : TempDirectoryTest("recallkit-cache-")
{
    private int computed;

    private long[] Get(string path, string fingerprint = "f1") =>
        FingerprintedCache.GetOrCompute(path, fingerprint, "Counts", cached => cached.Length == 3, () =>
        {
            computed++;
            return new long[] { 7, 8, 9 };
        });

    [Fact]
    public void AFileWrittenByEarlierVersionsIsReadWithoutRecomputing()
    {
        var path = Path.Combine(dir, "class_counts_train.json");
        File.WriteAllText(path, """{"Fingerprint":"f1","Counts":[1,2,3]}""");
        Assert.Equal([1L, 2, 3], Get(path));
        Assert.Equal(0, computed);
    }

    [Fact]
    public void AComputedValueIsWrittenInThatFormatAndReadBack()
    {
        var path = Path.Combine(dir, "class_counts_train.json");
        Assert.Equal([7L, 8, 9], Get(path));
        Assert.Equal("""{"Fingerprint":"f1","Counts":[7,8,9]}""", File.ReadAllText(path));
        Assert.Equal([7L, 8, 9], Get(path));
        Assert.Equal(1, computed);
    }

    [Theory]
    [InlineData("""{"Fingerprint":"f0","Counts":[1,2,3]}""")] // stale: the labels changed
    [InlineData("""{"Fingerprint":"f1","Counts":[1,2]}""")] // does not fit the dataset
    [InlineData("""{"Fingerprint":"f1","Counts":"1,2,3"}""")] // damaged
    [InlineData("""{"Fingerprint":1,"Counts":[1,2,3]}""")]
    [InlineData("""{"Fingerprint":"f1","Counts":[1,2,""")]
    [InlineData("")]
    [InlineData("[]")]
    public void AStaleInvalidOrDamagedFileIsRecomputedAndReplaced(string content)
    {
        var path = Path.Combine(dir, "class_counts_train.json");
        File.WriteAllText(path, content);
        Assert.Equal([7L, 8, 9], Get(path));
        Assert.Equal(1, computed);
        Assert.Equal("""{"Fingerprint":"f1","Counts":[7,8,9]}""", File.ReadAllText(path));
    }
}
