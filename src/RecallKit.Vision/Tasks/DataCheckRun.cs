using RecallKit.Vision.Data.Checks;

namespace RecallKit.Vision.Tasks;

/// <summary>Runs the check of one split, e.g. with a progress bar: (split, samples, the check given a progress sink).</summary>
public delegate SplitCheck SplitCheckRunner(string split, int samples, Func<IProgress<int>?, SplitCheck> check);

/// <summary>What <c>recallkit data check</c> found in a dataset's training and validation splits.</summary>
/// <param name="ClassNames">The dataset's classes.</param>
/// <param name="Unit">What the class counts count: pixels or images.</param>
/// <param name="Checks">The splits that could be read.</param>
/// <param name="Fatal">Splits that cannot be opened at all, with the reason.</param>
public sealed record DataCheckRun(IReadOnlyList<string> ClassNames, string Unit, IReadOnlyList<SplitCheck> Checks, IReadOnlyList<string> Fatal);
