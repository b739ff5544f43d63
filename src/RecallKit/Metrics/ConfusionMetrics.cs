namespace RecallKit.Metrics;

/// <summary>
/// Metrics of a confusion matrix. Conventions: accuracy (recall) is NaN for a class absent from the ground truth;
/// precision is NaN for a class never predicted; IoU is NaN only when the class is absent from both (a class predicted
/// but absent from the ground truth has IoU 0 and counts); means skip NaN; fwIoU = Σ_{freq&gt;0} freq·IoU.
/// Dice (mmsegmentation's mDice) = 2TP / (2TP + FP + FN) = 2TP / (ground truth + predicted) follows IoU: NaN only when the
/// class is absent from both. F-score (β = 1) = 2TP / (2TP + FP + FN), the harmonic mean of precision and recall written
/// so that it stays defined when one of them is not: 0 for a class in the ground truth that is never predicted (and for one
/// predicted but absent), NaN only when the class is absent from both — with β = 1 it equals Dice. mmsegmentation's mFscore
/// computes 2·P·R / (P + R) from precision and recall and is NaN (left out of its mean) whenever either is undefined, so a
/// model that never predicts a class scores higher there; here it scores 0 for that class.
/// </summary>
public sealed record ConfusionMetrics(
    double OverallAccuracy,
    double[] ClassAccuracy,
    double[] ClassPrecision,
    double[] ClassIoU,
    double MeanAccuracy,
    double MeanPrecision,
    double MeanIoU,
    double FrequencyWeightedIoU,
    long[] GroundTruthCounts,
    LongTailAccuracy? LongTail,
    double[] ClassDice,
    double MeanDice,
    double[] ClassFscore,
    double MeanFscore)
{
    /// <summary>Computes every metric from a [C, C] matrix (rows ground truth, columns prediction).</summary>
    public static ConfusionMetrics FromMatrix(long[,] hist, IReadOnlyList<long>? training_counts = null)
    {
        int c = hist.GetLength(0);
        if (hist.GetLength(1) != c) throw new ArgumentException($"confusion matrix must be square, got [{c},{hist.GetLength(1)}].");
        var gt = new long[c];
        var predicted = new long[c];
        var tp = new long[c];
        for (int i = 0; i < c; i++)
        {
            tp[i] = hist[i, i];
            for (int j = 0; j < c; j++)
            {
                gt[i] += hist[i, j];
                predicted[j] += hist[i, j];
            }
        }
        return FromCounts(tp, gt, predicted, training_counts);
    }

    /// <summary>
    /// Computes every metric from per-class true positives, ground-truth counts and prediction counts — all a confusion
    /// matrix's metrics need, without its C² memory (8,142 iNaturalist classes).
    /// </summary>
    public static ConfusionMetrics FromCounts(IReadOnlyList<long> tp, IReadOnlyList<long> gt, IReadOnlyList<long> predicted,
        IReadOnlyList<long>? training_counts = null)
    {
        int c = tp.Count;
        if (gt.Count != c || predicted.Count != c)
            throw new ArgumentException($"tp, gt and predicted must have the same length, got {tp.Count}, {gt.Count}, {predicted.Count}.");
        long total = gt.Sum(), correct = tp.Sum();
        var accuracy = new double[c];
        var precision = new double[c];
        var iou = new double[c];
        var dice = new double[c];
        var fscore = new double[c];
        double fw = 0;
        for (int i = 0; i < c; i++)
        {
            accuracy[i] = gt[i] > 0 ? (double)tp[i] / gt[i] : double.NaN;
            precision[i] = predicted[i] > 0 ? (double)tp[i] / predicted[i] : double.NaN;
            long union = gt[i] + predicted[i] - tp[i];
            iou[i] = union > 0 ? (double)tp[i] / union : double.NaN;
            dice[i] = gt[i] + predicted[i] > 0 ? 2.0 * tp[i] / (gt[i] + predicted[i]) : double.NaN;
            fscore[i] = Fscore(tp[i], gt[i], predicted[i]);
            if (gt[i] > 0) fw += (double)gt[i] / total * iou[i];
        }
        return new ConfusionMetrics(
            total > 0 ? (double)correct / total : double.NaN,
            accuracy, precision, iou,
            NanMean(accuracy), NanMean(precision), NanMean(iou),
            total > 0 ? fw : double.NaN,
            gt.ToArray(),
            training_counts is null ? null : LongTailAccuracy.FromClassAccuracy(accuracy, training_counts),
            dice, NanMean(dice), fscore, NanMean(fscore));
    }

    /// <summary>
    /// F-score with β = 1 from counts: 2TP / (2TP + FP + FN) = 2TP / (ground truth + predicted); NaN only when the class is
    /// absent from both ground truth and prediction.
    /// </summary>
    public static double Fscore(long tp, long gt, long predicted) =>
        gt + predicted > 0 ? 2.0 * tp / (gt + predicted) : double.NaN;

    /// <summary>Mean of the non-NaN entries; NaN when there are none.</summary>
    public static double NanMean(IEnumerable<double> values)
    {
        double sum = 0;
        int n = 0;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) continue;
            sum += v;
            n++;
        }
        return n > 0 ? sum / n : double.NaN;
    }
}
