namespace RecallKit.Vision.Training.Hooks;

/// <summary>The hooks of a run, called in order.</summary>
/// <param name="hooks">The hooks, in the order they run.</param>
public sealed class TrainingHooks(IReadOnlyList<ITrainingHook> hooks)
{
    /// <summary>Calls <see cref="ITrainingHook.BeforeStep"/> on every hook.</summary>
    public void BeforeStep(int iteration)
    {
        foreach (var hook in hooks) hook.BeforeStep(iteration);
    }

    /// <summary>Calls <see cref="ITrainingHook.AfterStep"/> on every hook.</summary>
    public void AfterStep(StepContext step)
    {
        foreach (var hook in hooks) hook.AfterStep(step);
    }

    /// <summary>Calls <see cref="ITrainingHook.AfterEvaluation"/> on every hook.</summary>
    public void AfterEvaluation(EvaluationContext evaluation)
    {
        foreach (var hook in hooks) hook.AfterEvaluation(evaluation);
    }

    /// <summary>Calls <see cref="ITrainingHook.OnStepEnd"/> on every hook.</summary>
    public void OnStepEnd(StepContext step)
    {
        foreach (var hook in hooks) hook.OnStepEnd(step);
    }

    /// <summary>Calls <see cref="ITrainingHook.OnStop"/> on every hook.</summary>
    public void OnStop(StopContext stop)
    {
        foreach (var hook in hooks) hook.OnStop(stop);
    }

    /// <summary>Calls <see cref="ITrainingHook.OnComplete"/> on every hook.</summary>
    public void OnComplete(EvaluationContext final)
    {
        foreach (var hook in hooks) hook.OnComplete(final);
    }
}
