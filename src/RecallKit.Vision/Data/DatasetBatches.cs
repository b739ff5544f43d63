
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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> skipped = new();

    /// <summary>Samples dropped so far (description → reason), with <c>skip_bad_files</c>.</summary>
    public IReadOnlyDictionary<string, string> SkippedFiles => skipped;

    /// <param name="dataset">The split.</param>
    /// <param name="batch_size">Images per batch.</param>
    /// <param name="augmentation">Training augmentation, or null for evaluation batches.</param>
    /// <param name="seed">Seed of order and augmentation.</param>
    /// <param name="skip_bad_files">Drop (and record in <see cref="SkippedFiles"/>) samples that cannot be decoded or are inconsistent.</param>
    /// <param name="shard">The part this process loads in a data-parallel run (default: everything).</param>
    public DatasetBatches(ISegmentationDataset dataset, int batch_size, AugmentationOptions? augmentation, int seed, bool skip_bad_files = false,
        DataShard shard = default)
    {
        this.shard = shard;
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
    public int BatchesPerEpoch => augmentation is null ? (dataset.Count + batchSize - 1) / batchSize : dataset.Count / batchSize;

    /// <inheritdoc />
    public DataShard Shard => shard.IsWhole ? DataShard.Whole : shard;

    /// <inheritdoc />
    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        var order = Enumerable.Range(0, dataset.Count).ToArray();
        if (augmentation is not null) new Random(Seeds.Derive(seed, epoch)).Shuffle(order);
        for (int b = startBatch; b < BatchesPerEpoch && !cancellation.IsCancellationRequested; b++)
            if (augmentation is not null || shard.Owns(b))
                yield return Prepare(order, epoch, b, cancellation);
    }

    private ImageBatch Prepare(int[] order, int epoch, int batch, CancellationToken cancellation)
    {
        var indices = order.Skip(batch * batchSize).Take(batchSize).ToArray();
        if (augmentation is not null)
        {
            var (start, count) = shard.Slice(indices.Length); // the augmentation of a sample depends on the sample, not its rank
            return Augmented(indices[start..(start + count)], augmentation, epoch, batch, cancellation);
        }
        var views = new (float[] image, long[] labels)[indices.Length];
        var ids = new string[indices.Length];
        var heights = new int[indices.Length];
        OrderedParallel.For(indices.Length, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            LabeledImage sample;
            try
            {
                sample = dataset.Load(indices[i]);
            }
            catch (Exception e) when (skipBadFiles && e is InvalidDataException or FileNotFoundException)
            {
                skipped[dataset.Describe(indices[i])] = e.Message;
                return;
            }
            ids[i] = sample.Id;
            heights[i] = augmentation?.CropHeight ?? sample.Height;
            views[i] = augmentation is null
                ? SegmentationTransforms.Eval(sample, dataset.Classes.IgnoreIndex)
                : SegmentationTransforms.Train(sample, augmentation, new Random(Seeds.Derive(seed, epoch, indices[i])), dataset.Classes.IgnoreIndex);
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
