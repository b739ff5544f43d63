namespace RecallKit.Vision.Training.Hooks;

/// <summary>
/// One concern of the training loop (logging, checkpoints, checks), called by <see cref="Trainer"/> at fixed points of every
/// step. The loop calls the hooks in the order it was given them; every method does nothing unless a hook overrides it. A hook
/// that writes files is given to rank 0 only; hooks given to every rank must do the same thing on every rank.
/// </summary>
public interface ITrainingHook
{
    /// <summary>Before step <paramref name="iteration"/> (0-based: the steps already completed) computes its loss; on every rank.</summary>
    void BeforeStep(int iteration) { }

    /// <summary>After the optimiser step, before the step's evaluation (if it has one).</summary>
    void AfterStep(StepContext step) { }

    /// <summary>After an evaluation (counts summed over the ranks), before the ranks meet at a barrier.</summary>
    void AfterEvaluation(EvaluationContext evaluation) { }

    /// <summary>After the step and its evaluation (if it had one); also after a resumed run's pending evaluation.</summary>
    void OnStepEnd(StepContext step) { }

    /// <summary>The run stops before its last step (cancellation); a checkpoint must keep where it stopped.</summary>
    void OnStop(StopContext stop) { }

    /// <summary>The run reached <c>schedule.iterations</c>; <paramref name="final"/> is the last evaluation.</summary>
    void OnComplete(EvaluationContext final) { }
}
