namespace RecallKit.Vision.Training.Hooks;

/// <summary>The hooks of a run, called in order.</summary>
/// <param name="hooks">The hooks, in the order they run.</param>
public sealed class TrainingHooks(IReadOnlyList<ITrainingHook> hooks)
{
    /// <summary>Calls <see cref="ITrainingHook.BeforeStep"/> on every hook.</summary>
    public void BeforeStep(int iteration) => Each(hook => hook.BeforeStep(iteration));

    /// <summary>Calls <see cref="ITrainingHook.AfterStep"/> on every hook.</summary>
    public void AfterStep(StepContext step) => Each(hook => hook.AfterStep(step));

    /// <summary>Calls <see cref="ITrainingHook.AfterEvaluation"/> on every hook.</summary>
    public void AfterEvaluation(EvaluationContext evaluation) => Each(hook => hook.AfterEvaluation(evaluation));

    /// <summary>Calls <see cref="ITrainingHook.OnStepEnd"/> on every hook.</summary>
    public void OnStepEnd(StepContext step) => Each(hook => hook.OnStepEnd(step));

    /// <summary>Calls <see cref="ITrainingHook.OnStop"/> on every hook.</summary>
    public void OnStop(StopContext stop) => Each(hook => hook.OnStop(stop));

    /// <summary>Calls <see cref="ITrainingHook.OnComplete"/> on every hook.</summary>
    public void OnComplete(EvaluationContext final) => Each(hook => hook.OnComplete(final));

    private void Each(Action<ITrainingHook> call)
    {
        foreach (var hook in hooks) call(hook);
    }
}
