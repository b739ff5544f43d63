using RecallKit.Losses;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.RunFiles;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// The per-term loss values of a loss with two or more terms (<see cref="LossConfig.TrainedTerms"/>): their log names
/// (<see cref="LogColumns.LossTerm"/>) and their values in the last step (<see cref="ILossTermValues"/>).
/// </summary>
public static class LossTermColumns
{
    /// <summary>
    /// The train_log.csv columns of <paramref name="config"/>'s terms, e.g. <c>loss/0_cross_entropy</c>; none for a single term.
    /// </summary>
    public static IReadOnlyList<string> Of(LossConfig config)
    {
        var terms = config.TrainedTerms;
        return terms.Count < 2 ? [] : terms.Select((term, i) => LogColumns.LossTerm(i, ConfigLoader.Name(term.Kind))).ToArray();
    }

    /// <summary>
    /// The unweighted value of each of <paramref name="count"/> terms in <paramref name="loss"/>'s last call, on the host (one
    /// read); NaN for each when the loss kept no values or another number of them.
    /// </summary>
    public static double[] Read(nn.Module loss, int count)
    {
        if (count == 0) return [];
        using var values = Values(loss, count);
        return values is null ? Missing(count) : values.cpu().data<double>().ToArray();
    }

    /// <summary>
    /// The values as float64 [count] on the loss's device (a new tensor), or null when the loss kept none or another number.
    /// </summary>
    public static Tensor? Values(nn.Module loss, int count)
    {
        var values = (loss as ILossTermValues)?.last_term_values();
        if (values is null) return null;
        if (values.numel() != count)
        {
            values.Dispose();
            return null;
        }
        using (values) return values.to_type(ScalarType.Float64).reshape(count);
    }

    /// <summary>NaN for each of <paramref name="count"/> terms.</summary>
    public static double[] Missing(int count) => Enumerable.Repeat(double.NaN, count).ToArray();
}
