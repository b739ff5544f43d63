using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-ckpt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void RoundTripsSectionsAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(dir, "last.ckpt");
        var checkpoint = new Checkpoint();
        checkpoint.SetText("config", "{\"seed\":1}");
        checkpoint.Set("model", w => w.Write(12345L));
        checkpoint.Save(path);
        var loaded = Checkpoint.Load(path);
        Assert.Equal("{\"seed\":1}", loaded.GetText("config"));
        long value = 0;
        loaded.Read("model", r => value = r.ReadInt64());
        Assert.Equal(12345L, value);
        Assert.Equal([path], Directory.GetFiles(dir));
    }

    [Fact]
    public void TruncatedOrAlteredFileIsDetectedAndNamed()
    {
        var path = Path.Combine(dir, "last.ckpt");
        var checkpoint = new Checkpoint();
        checkpoint.Set("model", new byte[1000]);
        checkpoint.Save(path);
        var bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);

        bytes[100] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("SHA-256", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);

        File.WriteAllBytes(path, new byte[10]);
        Assert.Contains("not a RecallKit checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
    }

    [Fact]
    public void OverwritingKeepsTheFileValidAndMissingSectionsAreNamed()
    {
        var path = Path.Combine(dir, "last.ckpt");
        for (int i = 0; i < 3; i++)
        {
            var c = new Checkpoint();
            c.SetText("progress", i.ToString());
            c.Save(path);
        }
        var loaded = Checkpoint.Load(path);
        Assert.Equal("2", loaded.GetText("progress"));
        Assert.Contains("progress", Assert.Throws<InvalidDataException>(() => loaded.Get("optimizer")).Message);
    }
}
