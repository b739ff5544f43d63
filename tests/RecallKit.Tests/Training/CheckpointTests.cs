using RecallKit.Vision.RunFiles;
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
        using var loaded = Checkpoint.Load(path);
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
        using var loaded = Checkpoint.Load(path);
        Assert.Equal("2", loaded.GetText("progress"));
        Assert.Contains("progress", Assert.Throws<InvalidDataException>(() => loaded.Get("optimizer")).Message);
    }
    [Fact]
    public void ACheckpointTruncatedAtEveryTenthOfItsLengthIsAClearErrorNamingTheFile()
    {
        var path = Path.Combine(dir, "last.ckpt");
        var checkpoint = new Checkpoint();
        checkpoint.SetText("config", "{}");
        checkpoint.Set("model", w => w.Write(Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray()));
        checkpoint.Save(path);
        var bytes = File.ReadAllBytes(path);
        for (int tenth = 0; tenth < 10; tenth++)
        {
            var cut = Path.Combine(dir, $"cut-{tenth}.ckpt");
            File.WriteAllBytes(cut, bytes[..(bytes.Length * tenth / 10)]);
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(cut));
            Assert.Contains(cut, e.Message);
            Assert.True(e.Message.Contains("truncated") || e.Message.Contains("not a RecallKit checkpoint"), e.Message);
        }
    }

    [Fact]
    public void ALoadedCheckpointKeepsReadingItsOwnBytesWhenANewSaveReplacesThePath()
    {
        var path = Path.Combine(dir, "last.ckpt");
        var first = new Checkpoint();
        first.Set("model", w => w.Write(new byte[] { 1, 2, 3 }));
        first.Save(path);
        using var loaded = Checkpoint.Load(path);
        var second = new Checkpoint();
        second.Set("model", w => w.Write(new byte[] { 9, 9, 9, 9 }));
        second.Save(path);
        Assert.Equal(new byte[] { 1, 2, 3 }, loaded.Get("model"));
        using var reloaded = Checkpoint.Load(path);
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, reloaded.Get("model"));
        // A loaded checkpoint saved elsewhere copies its sections from the file.
        var copy = Path.Combine(dir, "copy.ckpt");
        reloaded.Save(copy);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(copy));
    }
}

[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class LossStateTests
{
    private static BinaryReader Saved(TorchSharp.torch.nn.Module module)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) module.save(writer);
        stream.Position = 0;
        return new BinaryReader(stream);
    }

    [Fact]
    public void ACheckpointFromBeforeClassWeightBuffersResumesAClassBalancedLossWithTheSameWeights()
    {
        // Before class weights were buffers, such a loss saved no state at all, like plain cross-entropy does now.
        using var old = new RecallKit.Losses.CrossEntropy(3);
        using var loss = new RecallKit.Losses.ClassBalancedCrossEntropy(3, [100, 10, 1], 0.99);
        var weights = loss.state_dict()["weight"].clone();
        LossState.Load(loss, Saved(old), "old.ckpt");
        Assert.True(loss.state_dict()["weight"].eq(weights).all().item<bool>());
    }

    [Fact]
    public void MissingEmaStateIsAnErrorNamingTheBuffer()
    {
        using var old = new RecallKit.Losses.CrossEntropy(3);
        using var loss = new RecallKit.Losses.RecallCrossEntropy(3, ema_alpha: 0.5);
        var e = Assert.Throws<InvalidDataException>(() => LossState.Load(loss, Saved(old), "old.ckpt"));
        Assert.Contains("running_recall", e.Message);
        Assert.Contains("old.ckpt", e.Message);
    }

    [Fact]
    public void EmaStateRoundTrips()
    {
        using var source = new RecallKit.Losses.RecallCrossEntropy(3, ema_alpha: 0.5);
        source.call(TorchSharp.torch.tensor(new double[] { 2, 0, 0, 0, 2, 0 }, [2, 3]), TorchSharp.torch.tensor(new long[] { 0, 2 }));
        using var target = new RecallKit.Losses.RecallCrossEntropy(3, ema_alpha: 0.5);
        LossState.Load(target, Saved(source), "x.ckpt");
        Assert.Equal(source.running_recall.data<double>().ToArray(), target.running_recall.data<double>().ToArray());
        Assert.Equal(new[] { 0.5, 0, 0 }, target.running_recall.data<double>().ToArray());
    }
}
