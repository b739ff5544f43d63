using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Data.FashionScenes;

/// <summary>
/// Decides, before any rendering, which garments each scene of a split holds: the number of garments, each one's class (drawn
/// with <see cref="FashionSceneClasses.InstanceProbabilities"/>) and its source image. Source images are dealt from a shuffled
/// pool per class without replacement; only when a class's pool is used up is it reshuffled and dealt again. A split draws
/// only from its own source split, so no source image appears in both training and validation scenes.
/// </summary>
public static class ScenePlanner
{
    /// <summary>Fewest garments in a scene.</summary>
    public const int MinGarments = 4;

    /// <summary>Most garments in a scene.</summary>
    public const int MaxGarments = 8;

    /// <summary>Plans <paramref name="count"/> scenes drawing from <paramref name="source"/>.</summary>
    public static IReadOnlyList<ScenePlan> Plan(ImageArray source, int count, int seed)
    {
        var random = new Random(seed);
        var pools = Enumerable.Range(0, FashionSceneClasses.InstanceProbabilities.Length)
            .Select(c => new SourcePool(Enumerable.Range(0, source.Count).Where(i => source.Labels[i] == c).ToArray(), random)).ToArray();
        int missing = Array.FindIndex(pools, p => p.IsEmpty);
        if (missing >= 0)
            throw new InvalidDataException($"the Fashion-MNIST source split has no image of class {missing} ({FashionSceneClasses.Names[FashionSceneClasses.LabelOf(missing)]}); every class needs at least one.");
        var plans = new ScenePlan[count];
        for (int s = 0; s < count; s++)
        {
            int n = random.Next(MinGarments, MaxGarments + 1);
            var garments = new (int, int)[n];
            for (int g = 0; g < n; g++)
            {
                int c = DrawClass(random);
                garments[g] = (c, pools[c].Next());
            }
            plans[s] = new ScenePlan(random.Next(), garments);
        }
        return plans;
    }

    private static int DrawClass(Random random)
    {
        double u = random.NextDouble(), cumulative = 0;
        var p = FashionSceneClasses.InstanceProbabilities;
        for (int c = 0; c < p.Length; c++)
        {
            cumulative += p[c];
            if (u < cumulative) return c;
        }
        return p.Length - 1;
    }

    /// <summary>Indices of one class, dealt in a shuffled order; reshuffled when used up.</summary>
    private sealed class SourcePool(int[] indices, Random random)
    {
        private int next = indices.Length;

        public bool IsEmpty => indices.Length == 0;

        public int Next()
        {
            if (next == indices.Length)
            {
                random.Shuffle(indices);
                next = 0;
            }
            return indices[next++];
        }
    }
}
