using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Data.FashionScenes;

/// <summary>
/// Generates Fashion-MNIST scenes in the generic folder layout (dataset.json, images/&lt;split&gt;, labels/&lt;split&gt;, read by
/// <see cref="FolderDataset"/>): real Fashion-MNIST garments pasted on greyscale textures, labelled per pixel with their class
/// (background = 0). Training scenes use only the Fashion-MNIST training split, validation scenes only its test split.
/// Deterministic: the same arguments give byte-identical files.
/// </summary>
public static class FashionSceneGenerator
{
    /// <summary>Reads the Fashion-MNIST training and test splits from <paramref name="directory"/>; a missing directory or file is an error naming it.</summary>
    public static (ImageArray Train, ImageArray Test) LoadSource(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST source directory {directory} does not exist. Install Debian's dataset-fashion-mnist (files in {FashionMnist.DefaultDirectory}) or pass --source with the directory holding the IDX files.");
        var (train, test) = (FashionMnist.Load(directory, train: true), FashionMnist.Load(directory, train: false));
        foreach (var (split, images) in new[] { ("training split (train-*)", train), ("test split (t10k-*)", test) })
        {
            int missing = Enumerable.Range(0, FashionSceneClasses.InstanceProbabilities.Length).FirstOrDefault(c => !images.Labels.Contains(c), -1);
            if (missing >= 0)
                throw new InvalidDataException(
                    $"{directory}: the Fashion-MNIST {split} has no image of class {missing} ({FashionSceneClasses.Names[FashionSceneClasses.LabelOf(missing)]}); every class needs at least one.");
        }
        return (train, test);
    }

    /// <summary>The plans of one split: training scenes from <paramref name="source"/>'s training split, validation scenes from its test split.</summary>
    public static IReadOnlyList<ScenePlan> Plan(ImageArray source, int count, int seed, bool validation) =>
        ScenePlanner.Plan(source, count, Seeds.Derive(seed, validation ? 1 : 0));

    /// <summary>The scenes of one split in memory, exactly as <see cref="Generate"/> writes them (with their placements).</summary>
    public static IReadOnlyList<FashionScene> Compose(ImageArray source, int count, int width, int height, int seed, bool validation)
    {
        CheckSize(width, height);
        return Plan(source, count, seed, validation).Select(p => FashionSceneComposer.Compose(p, source, width, height)).ToArray();
    }

    /// <summary>
    /// Writes <paramref name="train"/> + <paramref name="val"/> scenes of <paramref name="width"/>×<paramref name="height"/> under
    /// <paramref name="outDir"/> (plus <c>frequencies.md</c>) from the Fashion-MNIST files in <paramref name="source"/>.
    /// </summary>
    public static FashionScenesResult Generate(string outDir, int train, int val, int width, int height, int seed,
        string source = FashionMnist.DefaultDirectory, IProgress<int>? progress = null)
    {
        if (train < 1 || val < 0) throw new ArgumentOutOfRangeException(nameof(train), $"need at least 1 training scene and ≥ 0 validation scenes (got {train}, {val}).");
        CheckSize(width, height);
        var (trainSource, testSource) = LoadSource(source);
        FolderDataset.WriteDescription(outDir, FashionSceneClasses.Description);
        int done = 0;
        var trainCounts = WriteSplit(outDir, "train", trainSource, Plan(trainSource, train, seed, validation: false), width, height, () => progress?.Report(Interlocked.Increment(ref done)));
        var valCounts = WriteSplit(outDir, "val", testSource, Plan(testSource, val, seed, validation: true), width, height, () => progress?.Report(Interlocked.Increment(ref done)));
        var result = new FashionScenesResult(trainCounts, valCounts);
        File.WriteAllText(Path.Combine(outDir, "frequencies.md"), result.ToTable());
        return result;
    }

    private static FashionSplitCounts WriteSplit(string outDir, string split, ImageArray source, IReadOnlyList<ScenePlan> plans, int width, int height, Action onScene)
    {
        var imageDir = Path.Combine(outDir, "images", split);
        var labelDir = Path.Combine(outDir, "labels", split);
        foreach (var dir in new[] { imageDir, labelDir })
        {
            Directory.CreateDirectory(dir);
            foreach (var stale in Directory.GetFiles(dir, "scene_*.png")) File.Delete(stale); // a smaller regeneration leaves no old scenes behind
        }
        int classes = FashionSceneClasses.Names.Length;
        var pixels = new long[classes];
        OrderedParallel.For(plans.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new long[classes], (i, local) =>
        {
            var scene = FashionSceneComposer.Compose(plans[i], source, width, height);
            var name = $"scene_{i:D5}.png";
            using (var image = Image.LoadPixelData<L8>(scene.Pixels, width, height)) image.SaveAsPng(Path.Combine(imageDir, name));
            using (var label = Image.LoadPixelData<L8>(scene.Labels, width, height)) label.SaveAsPng(Path.Combine(labelDir, name));
            foreach (var l in scene.Labels) local[l]++;
            onScene();
            return local;
        }, local =>
        {
            for (int c = 0; c < classes; c++) pixels[c] += local[c];
        });
        var instances = new long[classes];
        foreach (var plan in plans)
            foreach (var (c, _) in plan.Garments) instances[FashionSceneClasses.LabelOf(c)]++;
        var used = plans.SelectMany(p => p.Garments.Select(g => g.SourceIndex)).Distinct().Order().ToArray();
        return new FashionSplitCounts(pixels, instances, used);
    }

    private static void CheckSize(int width, int height)
    {
        if (width < 32 || height < 32 || width > 4096 || height > 4096)
            throw new ArgumentOutOfRangeException(nameof(width), $"scenes must be 32×32 to 4096×4096 (got {width}×{height}).");
    }
}
