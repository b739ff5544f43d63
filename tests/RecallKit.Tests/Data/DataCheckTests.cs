namespace RecallKit.Tests.Data;

/// <summary>
/// <c>recallkit data check</c> on real trees written by PIL: exact per-class pixel counts per split, the label encoding, the
/// classes a split lacks, every kind of problem with the first file that has it, the chart, and exit 1 when training would stop.
/// </summary>
public sealed class DataCheckTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-datacheck-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // 6 training and 2 validation 8×4 labels: image k has class k % 3 in its left half, class 1 on the right, row 0 ignored;
    // in the validation split class 2 never occurs (k = 6, 7 → classes 0, 1). Bad trees: training labels 4 and 1 hold value 7.
    private const string Script = """
        import json, os, sys
        from PIL import Image
        root, bad = sys.argv[1], sys.argv[2] == "bad"
        for split, ks in (("train", range(6)), ("val", range(6, 8))):
            os.makedirs(f"{root}/images/{split}", exist_ok=True); os.makedirs(f"{root}/labels/{split}", exist_ok=True)
            for k in ks:
                Image.new("RGB", (8, 4), (k * 20, 9, 9)).save(f"{root}/images/{split}/s{k:03d}.png")
                values = [255 if y == 0 else (k % 3 if x < 4 else 1) for y in range(4) for x in range(8)]
                if bad and k in (1, 4): values[9] = 7
                im = Image.new("P", (8, 4)); im.putdata(values); im.putpalette([0] * 768); im.save(f"{root}/labels/{split}/s{k:03d}.png")
        json.dump({"classes": [{"name": "road"}, {"name": "car"}, {"name": "person"}]}, open(f"{root}/dataset.json", "w"))
        """;

    private async Task<(int Code, string Stdout, string Stderr)> Check(string tree) =>
        await Support.CliProcess.RunAsync("data", "check", "--set", "data.kind=folder", "--set", $"data.root={Path.Combine(dir, tree)}",
            "--out", Path.Combine(dir, tree + "-check"));

    [Fact]
    public async Task AGoodTreeIsCountedExactlyAndTrainingMayStart()
    {
        await Support.PythonPil.RunAsync(Script, Path.Combine(dir, "good"), "good");
        var (code, stdout, stderr) = await Check("good");
        Assert.True(code == 0, stdout + stderr);
        // train: left halves 2 × (0, 1, 2) × 12 pixels, right halves 6 × 12 of car → road 24, car 96, person 24; ignored 6 × 8;
        // val: left halves road and car, right halves 2 × 12 car → road 12, car 36
        Assert.Contains("| car | 96 | 66.67 % | 36 | 75.00 % |", stdout);
        Assert.Contains("| road | 24 | 16.67 % | 12 | 25.00 % |", stdout);
        Assert.Contains("| person | 24 | 16.67 % | 0 | 0.00 % |", stdout);
        Assert.Contains("ignored pixels: 48 (25.0 %)", stdout);
        Assert.Contains("labels: palette (indexed, 8-bit) × 6", stdout);
        Assert.Contains("classes absent from 'val': person", stdout);
        Assert.Contains("classes absent from 'train': none", stdout);
        Assert.Contains("training can start", stdout);
        var chart = await File.ReadAllBytesAsync(Path.Combine(dir, "good-check", "class_frequencies.png"), TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 137, 80, 78, 71 }, chart[..4]);
    }

    [Fact]
    public async Task ABadTreeListsEachProblemWithItsFirstFileAndExitsOne()
    {
        await Support.PythonPil.RunAsync(Script, Path.Combine(dir, "bad"), "bad");
        var (code, stdout, stderr) = await Check("bad");
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains($"problem in 'train': 2 × label values that are no class; first: label {Path.Combine(dir, "bad", "labels", "train", "s001.png")} has value 7 at pixel (1,1)", stdout);
        Assert.Contains("training would stop at the first file listed above", stderr);
        Assert.DoesNotContain("   at ", stdout + stderr);
    }
}
