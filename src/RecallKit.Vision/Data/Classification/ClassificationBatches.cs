using System.Collections.Concurrent;

namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// Batches of a classification split: training batches follow <see cref="ClassSampler"/> with per-sample augmentation
/// seeded by (seed, epoch, position) and drop the incomplete last batch; evaluation batches are the split in order.
/// Samples of a batch are decoded in parallel (see <see cref="DatasetBatches"/> for why not on a background thread).
/// </summary>
public sealed class ClassificationBatches : IFileBatchSource
{
    private readonly IClassificationDataset dataset;
    private readonly int batchSize;
    private readonly ClassificationAugmentation augmentation;
    private readonly bool training;
    private readonly SamplerKind sampler;
    private readonly int seed;
    private readonly bool skipBadFiles;
    private readonly DataShard shard;
    private readonly int iterations;
    private readonly ConcurrentDictionary<string, string> skipped = new();

    /// <param name="dataset">The split.</param>
    /// <param name="batch_size">Images per batch.</param>
    /// <param name="augmentation">Input size, padding, flips, normalisation.</param>
    /// <param name="training">Random order and augmentation (true) or the split in order, centre crops (false).</param>
    /// <param name="sampler">How training samples are drawn.</param>
    /// <param name="seed">Seed of order and augmentation.</param>
    /// <param name="skip_bad_files">Drop (and record) samples whose file cannot be decoded.</param>
    /// <param name="shard">The part this process loads in a data-parallel run (default: everything).</param>
    /// <param name="iterations">The run's training steps: the progressive sampler's schedule spans their epochs (<see cref="TotalEpochs"/>).</param>
    public ClassificationBatches(IClassificationDataset dataset, int batch_size, ClassificationAugmentation augmentation, bool training,
        SamplerKind sampler = SamplerKind.Uniform, int seed = 0, bool skip_bad_files = false,
        DataShard shard = default, int iterations = 0)
    {
        this.shard = shard;
        this.iterations = iterations;
        if (training && sampler == SamplerKind.Progressive && iterations < 1)
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "the progressive sampler needs the run's number of iterations (≥ 1).");
        if (batch_size < 1) throw new ArgumentOutOfRangeException(nameof(batch_size), batch_size, "batch_size must be at least 1.");
        if (training && dataset.Count < batch_size)
            throw new ArgumentException($"the training split has {dataset.Count} images, fewer than batch_size = {batch_size}.", nameof(batch_size));
        this.dataset = dataset;
        batchSize = batch_size;
        this.augmentation = augmentation;
        this.training = training;
        this.sampler = sampler;
        this.seed = seed;
        skipBadFiles = skip_bad_files;
    }

    /// <summary>Samples dropped so far (file → reason), with <c>skip_bad_files</c>.</summary>
    public IReadOnlyDictionary<string, string> SkippedFiles => skipped;

    /// <inheritdoc />
    public int BatchesPerEpoch => training ? dataset.Count / batchSize : (dataset.Count + batchSize - 1) / batchSize;

    /// <summary>T of the progressive sampler: the epochs <c>iterations</c> steps span (the last one possibly in part).</summary>
    public int TotalEpochs => Math.Max(1, (iterations + BatchesPerEpoch - 1) / BatchesPerEpoch);

    /// <inheritdoc />
    public DataShard Shard => shard.IsWhole ? DataShard.Whole : shard;

    /// <inheritdoc />
    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        var order = training
            ? ClassSampler.Epoch(dataset.Labels, dataset.ClassNames.Count, sampler, seed, epoch, TotalEpochs)
            : Enumerable.Range(0, dataset.Count).ToArray();
        for (int b = startBatch; b < BatchesPerEpoch && !cancellation.IsCancellationRequested; b++)
            if (training || shard.Owns(b))
                yield return Prepare(order, epoch, b, cancellation);
    }

    private ImageBatch Prepare(int[] order, int epoch, int batch, CancellationToken cancellation)
    {
        int start = batch * batchSize, count = Math.Min(batchSize, order.Length - start);
        if (training)
        {
            var (offset, length) = shard.Slice(count); // augmentation seeds stay those of the sample's place in the whole batch
            start += offset;
            count = length;
        }
        var inputs = new float[count][];
        OrderedParallel.For(count, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            int index = order[start + i];
            try
            {
                var image = dataset.Load(index);
                inputs[i] = training
                    ? ClassificationTransforms.Train(image, augmentation, new Random(Seeds.Derive(seed, epoch, start + i)))
                    : ClassificationTransforms.Eval(image, augmentation);
            }
            catch (Exception e) when (skipBadFiles && e is InvalidDataException or FileNotFoundException)
            {
                skipped[dataset.Describe(index)] = e.Message;
            }
        });
        var kept = Enumerable.Range(0, count).Where(i => inputs[i] is not null).ToArray();
        if (kept.Length == 0)
            throw new InvalidDataException($"every image of batch {batch} is bad (e.g. {dataset.Describe(order[start])}); see the skipped files.");
        int size = inputs[kept[0]].Length;
        var images = new float[kept.Length * size];
        var labels = new long[kept.Length];
        var ids = new string[kept.Length];
        for (int k = 0; k < kept.Length; k++)
        {
            int index = order[start + kept[k]];
            inputs[kept[k]].CopyTo(images, k * size);
            labels[k] = dataset.Labels[index];
            ids[k] = dataset.Describe(index);
        }
        int channels = size / (augmentation.Size * augmentation.Size);
        return new ImageBatch(images, labels, kept.Length, augmentation.Size, augmentation.Size, ids, channels, ImageLabels: true);
    }
}
