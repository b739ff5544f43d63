using RecallKit.Losses;
using RecallKit.Vision.Training.Hooks;

namespace RecallKit.Vision.Classification;

/// <summary>
/// Deferred re-weighting of an LDAM loss (Cao et al. 2019) as the run goes: before each step, the loss gets the weights of
/// <paramref name="schedule"/> for that step (none before its start, class-balanced from it on). Every rank runs it, so the
/// ranks weigh alike; a resumed run gets the weights of the step it resumes at.
/// </summary>
/// <param name="ldam">The loss whose <see cref="LdamLoss.class_weights"/> follow the schedule.</param>
/// <param name="schedule">The weights per step (its "epoch" is the step here).</param>
public sealed class DeferredReweightingHook(LdamLoss ldam, DeferredReweighting schedule) : ITrainingHook
{
    /// <inheritdoc />
    public void BeforeStep(int iteration) => ldam.class_weights = schedule.WeightsFor(iteration); // unchanged weights are not re-copied
}
