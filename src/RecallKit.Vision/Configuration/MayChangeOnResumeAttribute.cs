namespace RecallKit.Vision.Configuration;

/// <summary>
/// The key may differ when a run is resumed (<c>train --resume</c>): it does not change the weights a step computes. Every
/// other key must equal the checkpoint's. Read by <c>ResumeCompatibility</c> and the configuration reference.
/// </summary>
/// <param name="why">Why changing it keeps exact resumption.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MayChangeOnResumeAttribute(string why) : Attribute
{
    /// <summary>Why changing the key keeps exact resumption.</summary>
    public string Why { get; } = why;

    /// <summary>
    /// The metrics a finished run recorded depend on the key (its length, its evaluation cadence), so a finished run is not
    /// reused for a request that differs in it, though a stopped one may be resumed with it changed.
    /// </summary>
    public bool ChangesRecordedResults { get; set; }
}
