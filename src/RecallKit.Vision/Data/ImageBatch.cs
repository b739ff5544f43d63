namespace RecallKit.Vision.Data;

/// <summary>A batch in managed memory: normalised CHW images and labels, turned into tensors by the training loop.</summary>
/// <param name="Images">float, N·channels·H·W.</param>
/// <param name="Labels">int64 class ids: N·H·W for segmentation (ignore id where unlabeled), N for classification.</param>
/// <param name="Count">N.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="Ids">Sample names, for messages and predictions.</param>
/// <param name="Channels">Image channels (3 = RGB, 1 = grayscale).</param>
/// <param name="ImageLabels">True when <paramref name="Labels"/> holds one class per image (classification).</param>
public sealed record ImageBatch(float[] Images, long[] Labels, int Count, int Height, int Width, IReadOnlyList<string> Ids, int Channels = 3,
    bool ImageLabels = false)
{
    /// <summary>
    /// Rank <paramref name="rank"/>'s contiguous part of the batch among <paramref name="ranks"/> (images
    /// [rank·N/ranks, (rank+1)·N/ranks)); the parts of all ranks, in rank order, are the batch.
    /// </summary>
    public ImageBatch Shard(int rank, int ranks)
    {
        if (ranks == 1) return this;
        var (start, count) = new DataShard(rank, ranks).Slice(Count);
        int image = Channels * Height * Width, label = ImageLabels ? 1 : Height * Width;
        return this with
        {
            Images = Images.AsSpan(start * image, count * image).ToArray(),
            Labels = Labels.AsSpan(start * label, count * label).ToArray(),
            Count = count,
            Ids = Ids.Skip(start).Take(count).ToArray(),
        };
    }
}
