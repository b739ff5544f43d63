
namespace RecallKit.Vision.Data;

/// <summary>
/// Batches of a dataset split. Training: shuffled with a seed derived from (seed, epoch) — a new order every epoch, the same
/// order in every process — random augmentation seeded per (seed, epoch, sample), incomplete last batch dropped. Evaluation:
/// file order, whole images, nothing dropped. The samples of a batch are decoded in parallel.
/// </summary>
/// <remarks>
/// The next batch is deliberately not prepared on a background thread while the model trains. TorchSharp 0.107 passes the
/// native handle of temporary <c>Scalar</c>s (e.g. the <c>1</c> in BatchNorm's <c>num_batches_tracked.add_(1)</c>) to libtorch
/// without keeping the managed object alive and frees Scalars in their finalizer; a garbage collection triggered by another
/// thread's allocations during that call can free the Scalar while libtorch reads it ("Unknown scalar type" in BatchNorm after
/// a few hundred steps of the demo). Decoding only while the training thread waits in managed code, and running without
/// concurrent GC (Directory.Build.props), rules it out. Prefetching happens in a separate process instead
/// (<see cref="Prefetch.WorkerBatches"/>, <c>data.prefetch</c>).
/// </remarks>
public sealed partial class DatasetBatches : IFileBatchSource
{
    private readonly ISegmentationDataset dataset;
    private readonly int batchSize;
    private readonly AugmentationOptions? augmentation;
    private readonly int seed;
    private readonly bool skipBadFiles;
    private readonly DataShard shard;
    private readonly int[]? samples;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> skipped = new();

    /// <summary>Samples dropped so far (description → reason), with <c>skip_bad_files</c>.</summary>
    public IReadOnlyDictionary<string, string> SkippedFiles => skipped;

    /// <param name="dataset">The split.</param>
    /// <param name="batch_size">Images per batch.</param>
    /// <param name="augmentation">Training augmentation, or null for evaluation batches.</param>
    /// <param name="seed">Seed of order and augmentation.</param>
    /// <param name="skip_bad_files">Drop (and record in <see cref="SkippedFiles"/>) samples that cannot be decoded or are inconsistent.</param>
    /// <param name="shard">The part this process loads in a data-parallel run (default: everything).</param>
    /// <param name="samples">Training: the sample indices an epoch shuffles, with repeats (<see cref="RepeatFactors.Indices"/>); null for every sample once.</param>
    public DatasetBatches(ISegmentationDataset dataset, int batch_size, AugmentationOptions? augmentation, int seed, bool skip_bad_files = false,
        DataShard shard = default, IReadOnlyList<int>? samples = null)
    {
        this.shard = shard;
        if (samples is not null)
        {
            if (augmentation is null) throw new ArgumentException("a sample list with repeats is for training batches only.", nameof(samples));
            foreach (var index in samples)
                if (index < 0 || index >= dataset.Count)
                    throw new ArgumentOutOfRangeException(nameof(samples), index, $"sample index outside the split's {dataset.Count} images.");
            this.samples = [.. samples];
        }
        skipBadFiles = skip_bad_files;
        if (batch_size < 1) throw new ArgumentOutOfRangeException(nameof(batch_size), batch_size, "batch_size must be at least 1.");
        this.dataset = dataset;
        batchSize = batch_size;
        this.augmentation = augmentation;
        this.seed = seed;
        if (augmentation is not null && dataset.Count < batch_size)
            throw new ArgumentException($"the training split has {dataset.Count} images, fewer than batch_size = {batch_size}.", nameof(batch_size));
    }

    /// <inheritdoc />
    public int BatchesPerEpoch => augmentation is null ? (dataset.Count + batchSize - 1) / batchSize : (samples?.Length ?? dataset.Count) / batchSize;

    /// <inheritdoc />
    public DataShard Shard => shard.IsWhole ? DataShard.Whole : shard;

    /// <inheritdoc />
    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        var order = samples is not null ? (int[])samples.Clone() : Enumerable.Range(0, dataset.Count).ToArray();
        if (augmentation is not null) new Random(Seeds.Derive(seed, epoch)).Shuffle(order);
        var copies = samples is null ? null : CopyNumbers(order);
        for (int b = startBatch; b < BatchesPerEpoch && !cancellation.IsCancellationRequested; b++)
            if (augmentation is not null || shard.Owns(b))
                yield return Prepare(order, copies, epoch, b, cancellation);
    }

    /// <summary>For each position of the order, how many times its sample came earlier: repeated copies get their own augmentation.</summary>
    private static int[] CopyNumbers(int[] order)
    {
        var seen = new Dictionary<int, int>();
        var copies = new int[order.Length];
        for (int p = 0; p < order.Length; p++)
        {
            copies[p] = seen.GetValueOrDefault(order[p]);
            seen[order[p]] = copies[p] + 1;
        }
        return copies;
    }

    /// <summary>Sample <paramref name="index"/>; null for a bad file when <c>skip_bad_files</c> is on (it is recorded as skipped).</summary>
    private LabeledImage? Load(int index, bool reuseBuffers = false)
    {
        try
        {
            return reuseBuffers && dataset is PairedFileDataset paired ? paired.Load(index, SampleBuffers.ForThisThread) : dataset.Load(index);
        }
        catch (Exception e) when (skipBadFiles && e is InvalidDataException or FileNotFoundException)
        {
            skipped[dataset.Describe(index)] = e.Message;
            return null;
        }
    }

    private ImageBatch Prepare(int[] order, int[]? copies, int epoch, int batch, CancellationToken cancellation)
    {
        var indices = order.Skip(batch * batchSize).Take(batchSize).ToArray();
        var copy = copies?.Skip(batch * batchSize).Take(batchSize).ToArray();
        if (augmentation is not null)
        {
            var (start, count) = shard.Slice(indices.Length); // the augmentation of a sample depends on the sample, not its rank
            return Augmented(indices[start..(start + count)], copy?[start..(start + count)], augmentation, epoch, batch, cancellation);
        }
        var views = new (float[] image, long[] labels)[indices.Length];
        var ids = new string[indices.Length];
        var heights = new int[indices.Length];
        OrderedParallel.For(indices.Length, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            if (Load(indices[i]) is not { } sample) return;
            ids[i] = sample.Id;
            heights[i] = sample.Height;
            views[i] = SegmentationTransforms.Eval(sample, dataset.Classes.IgnoreIndex); // training batches are Augmented
        });
        var kept = Enumerable.Range(0, indices.Length).Where(i => views[i].labels is not null).ToArray();
        if (kept.Length == 0)
            throw new InvalidDataException($"every image of batch {batch} is bad (e.g. {dataset.Describe(indices[0])}); see the skipped files.");
        if (kept.Length < indices.Length)
        {
            indices = kept.Select(i => indices[i]).ToArray();
            views = kept.Select(i => views[i]).ToArray();
            ids = kept.Select(i => ids[i]).ToArray();
            heights = kept.Select(i => heights[i]).ToArray();
        }
        int plane = views[0].labels.Length;
        for (int i = 1; i < views.Length; i++)
            if (views[i].labels.Length != plane || heights[i] != heights[0])
                throw new InvalidDataException(
                    $"{dataset.Describe(indices[i])} differs in size from {dataset.Describe(indices[0])}; evaluation batches need equal sizes (use data.eval_batch_size=1).");
        int height = heights[0];
        int width = plane / height;
        var images = new float[indices.Length * 3 * plane];
        var labels = new long[indices.Length * plane];
        for (int i = 0; i < views.Length; i++)
        {
            views[i].image.CopyTo(images, i * 3 * plane);
            views[i].labels.CopyTo(labels, i * plane);
        }
        return new ImageBatch(images, labels, indices.Length, height, width, ids);
    }
}
