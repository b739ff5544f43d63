namespace RecallKit.Vision.Data;

public sealed partial class DatasetBatches
{
    /// <summary>
    /// A training batch: each sample's view is rendered straight into its slot of the batch (<see cref="RowSampler"/>), so no
    /// per-sample image is allocated and copied — at 768×768 that allocation cost several times the rendering itself. The
    /// views are those of <see cref="SegmentationTransforms.Train"/> (same draws, same rendering). With repeat-factor sampling,
    /// <paramref name="copies"/> numbers the repeated copies of a sample in the epoch, so that each copy gets its own draw.
    /// </summary>
    private ImageBatch Augmented(int[] indices, int[]? copies, AugmentationOptions augmentation, int epoch, int batch, CancellationToken cancellation)
    {
        int width = augmentation.CropWidth, height = augmentation.CropHeight, plane = width * height;
        var images = GC.AllocateUninitializedArray<float>(indices.Length * 3 * plane); // every kept slot is written whole
        var labels = GC.AllocateUninitializedArray<long>(indices.Length * plane);
        var ids = new string?[indices.Length];
        OrderedParallel.For(indices.Length, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            if (Load(indices[i], reuseBuffers: true) is not { } sample) return; // rendered at once: the thread's buffers can be reused
            var view = TrainingView.Draw(sample.Width, sample.Height, augmentation, new Random(copies is null ? Seeds.Derive(seed, epoch, indices[i]) : Seeds.Derive(seed, epoch, indices[i], copies[i])));
            RowSampler.Render(sample, view, dataset.Classes.IgnoreIndex, images.AsSpan(i * 3 * plane, 3 * plane), labels.AsSpan(i * plane, plane));
            ids[i] = sample.Id;
        });
        var kept = Enumerable.Range(0, indices.Length).Where(i => ids[i] is not null).ToArray();
        if (kept.Length == 0)
            throw new InvalidDataException($"every image of batch {batch} is bad (e.g. {dataset.Describe(indices[0])}); see the skipped files.");
        if (kept.Length < indices.Length)
        {
            for (int j = 0; j < kept.Length; j++)
            {
                images.AsSpan(kept[j] * 3 * plane, 3 * plane).CopyTo(images.AsSpan(j * 3 * plane));
                labels.AsSpan(kept[j] * plane, plane).CopyTo(labels.AsSpan(j * plane));
            }
            images = images[..(kept.Length * 3 * plane)];
            labels = labels[..(kept.Length * plane)];
        }
        return new ImageBatch(images, labels, kept.Length, height, width, kept.Select(i => ids[i]!).ToArray());
    }
}
