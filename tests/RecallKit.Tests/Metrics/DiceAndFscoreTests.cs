using RecallKit.Metrics;

namespace RecallKit.Tests.Metrics;

public class DiceAndFscoreTests
{
    // Rows ground truth, columns prediction. Class 0: tp 2, gt 3, predicted 2; class 1: tp 2, gt 3, predicted 3;
    // class 2: absent from the ground truth, predicted once; class 3: absent from both.
    private static readonly long[,] Matrix =
    {
        { 2, 1, 0, 0 },
        { 0, 2, 1, 0 },
        { 0, 0, 0, 0 },
        { 0, 0, 0, 0 },
    };

    [Fact]
    public void DiceIsTwoTruePositivesOverGroundTruthPlusPredictedAndNaNOnlyWhenAbsentFromBoth()
    {
        var m = ConfusionMetrics.FromMatrix(Matrix);
        Assert.Equal(4.0 / 5, m.ClassDice[0], 12);
        Assert.Equal(4.0 / 6, m.ClassDice[1], 12);
        Assert.Equal(0.0, m.ClassDice[2], 12); // predicted but absent: 0 and counted, like IoU
        Assert.True(double.IsNaN(m.ClassDice[3]));
        Assert.Equal((0.8 + 4.0 / 6 + 0) / 3, m.MeanDice, 12);
    }

    [Fact]
    public void FscoreIsTwoTruePositivesOverTwoTruePositivesPlusErrorsAndNaNOnlyWhenAbsentFromBoth()
    {
        var m = ConfusionMetrics.FromMatrix(Matrix);
        Assert.Equal(2 * 1.0 * (2.0 / 3) / (1 + 2.0 / 3), m.ClassFscore[0], 12); // P 1, R 2/3 → 0.8
        Assert.Equal(2.0 / 3, m.ClassFscore[1], 12);                            // P = R = 2/3
        Assert.Equal(0.0, m.ClassFscore[2], 12); // predicted but absent from the ground truth: 0 and counted (mmsegmentation: NaN)
        Assert.True(double.IsNaN(m.ClassFscore[3]));
        Assert.Equal((0.8 + 2.0 / 3 + 0) / 3, m.MeanFscore, 12);
    }

    [Fact]
    public void AClassNeverPredictedScoresZeroInsteadOfDroppingOutOfTheMean()
    {
        // Class 1 is in the ground truth and never predicted: recall 0, precision undefined, F1 = 2·0 / (0 + 0 + 3) = 0.
        // A loss that never predicts the rare class must not get a higher mFscore for it (with NaN it left the mean: 1.0 here).
        var m = ConfusionMetrics.FromCounts(tp: [5, 0], gt: [5, 3], predicted: [8, 0]);
        Assert.Equal(0.0, m.ClassFscore[1]);
        Assert.Equal(2.0 * 5 / (10 + 3), m.ClassFscore[0], 12);
        Assert.Equal((10.0 / 13 + 0) / 2, m.MeanFscore, 12);
        Assert.True(double.IsNaN(m.ClassPrecision[1])); // precision itself stays undefined
    }

    [Fact]
    public void FscoreEqualsDiceForEveryCountPattern()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            long tp = random.Next(0, 4), fp = random.Next(0, 4), fn = random.Next(0, 4);
            var m = ConfusionMetrics.FromCounts([tp], [tp + fn], [tp + fp]);
            Assert.Equal(m.ClassDice[0], m.ClassFscore[0]); // β = 1: the same number, NaN included
        }
    }

    [Fact]
    public void FscoreIsZeroWhenPresentAndPredictedButNeverRight()
    {
        var m = ConfusionMetrics.FromCounts(tp: [0, 4], gt: [2, 4], predicted: [3, 4]);
        Assert.Equal(0.0, m.ClassFscore[0]);
        Assert.Equal(0.0, m.ClassDice[0]);
        Assert.Equal(1.0, m.ClassFscore[1], 12);
        Assert.Equal(1.0, m.ClassDice[1], 12);
    }
}
