namespace RecallKit.Losses;

/// <summary>Which classes a region loss averages over.</summary>
public enum LossClasses
{
    /// <summary>Every class.</summary>
    All,
    /// <summary>Classes present in the batch's valid targets.</summary>
    Present,
}
