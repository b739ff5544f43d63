using static TorchSharp.torch;

namespace RecallKit.Tests.Support;

/// <summary>
/// Plain per-position loops in float64 on the host: the independent computation the tensor code is checked against.
/// </summary>
internal static class ReferenceLoss
{
    /// <summary>Rows of logits [P][C] and targets [P] from an input [N,C,d…] and target [N,d…].</summary>
    public static (double[][] rows, long[] targets) Flatten(Tensor input, Tensor target)
    {
        long c = input.shape[1];
        var moved = input.detach().movedim(new long[] { 1 }, new long[] { -1 }).reshape(-1, c).to_type(ScalarType.Float64).contiguous();
        var flat = moved.data<double>().ToArray();
        var rows = Enumerable.Range(0, (int)(flat.Length / c)).Select(p => flat.Skip((int)(p * c)).Take((int)c).ToArray()).ToArray();
        return (rows, target.flatten().to_type(ScalarType.Int64).data<long>().ToArray());
    }

    public static int ArgMaxFirst(double[] row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }

    public static double CrossEntropy(double[] row, long y)
    {
        double max = row.Max();
        double lse = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
        return lse - row[y];
    }

    /// <summary>(TP, FP, FN) per class over non-ignored positions, prediction = first arg-max.</summary>
    public static (double[] tp, double[] fp, double[] fn) Counts(double[][] rows, long[] targets, int classes, long ignore)
    {
        var tp = new double[classes];
        var fp = new double[classes];
        var fn = new double[classes];
        for (int p = 0; p < rows.Length; p++)
        {
            if (targets[p] == ignore) continue;
            int y = (int)targets[p], pred = ArgMaxFirst(rows[p]);
            if (pred == y) tp[y]++;
            else
            {
                fn[y]++;
                fp[pred]++;
            }
        }
        return (tp, fp, fn);
    }

    public static double[] BatchWeights(double[][] rows, long[] targets, int classes, long ignore, double alpha, double beta)
    {
        var (tp, fp, fn) = Counts(rows, targets, classes, ignore);
        var w = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            double denominator = tp[c] + alpha * fp[c] + beta * fn[c];
            w[c] = denominator > 0 ? 1 - tp[c] / denominator : 0;
        }
        return w;
    }

    /// <summary>(Σ_valid w_y·CE, #valid, per-position loss with 0 where ignored).</summary>
    public static (double sum, int valid, double[] perPosition) Weighted(double[][] rows, long[] targets, double[] w, long ignore)
    {
        double sum = 0;
        int valid = 0;
        var per = new double[rows.Length];
        for (int p = 0; p < rows.Length; p++)
        {
            if (targets[p] == ignore) continue;
            per[p] = w[targets[p]] * CrossEntropy(rows[p], targets[p]);
            sum += per[p];
            valid++;
        }
        return (sum, valid, per);
    }
}
