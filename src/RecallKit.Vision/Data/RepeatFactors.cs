namespace RecallKit.Vision.Data;

/// <summary>
/// Repeat-factor sampling (Gupta et al., LVIS, CVPR 2019), as mmengine's <c>ClassBalancedDataset</c> computes it: class c's
/// factor r_c = max(1, √(t / f_c)), f_c the fraction of training images that contain c; an image's factor r_i = max over its
/// classes of r_c (1 for an image without classes); each epoch holds image i ⌈r_i⌉ times, shuffled.
/// </summary>
public static class RepeatFactors
{
    /// <summary>r_i of every image.</summary>
    /// <param name="classes">The classes present in each image (<see cref="ClassPresence"/>).</param>
    /// <param name="num_classes">C.</param>
    /// <param name="threshold">t in (0, 1]: classes in fewer than this fraction of the images are repeated.</param>
    public static double[] Compute(IReadOnlyList<int[]> classes, int num_classes, double threshold)
    {
        if (!(threshold > 0 && threshold <= 1)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the repeat threshold t must be in (0, 1].");
        if (classes.Count == 0) throw new ArgumentException("the training split has no images.", nameof(classes));
        var images = ClassPresence.ImagesPerClass(classes, num_classes);
        double total = classes.Count;
        var classFactor = images.Select(n => n > 0 ? Math.Max(1.0, Math.Sqrt(threshold / (n / total))) : 1.0).ToArray();
        return classes.Select(image => image.Length == 0 ? 1.0 : image.Max(c => classFactor[c])).ToArray();
    }

    /// <summary>The sample list of an epoch before shuffling: index i repeated ⌈r_i⌉ times, in index order.</summary>
    public static int[] Indices(IReadOnlyList<double> factors)
    {
        var indices = new List<int>();
        for (int i = 0; i < factors.Count; i++)
            for (int k = 0; k < (int)Math.Ceiling(factors[i]); k++) indices.Add(i);
        return [.. indices];
    }
}
