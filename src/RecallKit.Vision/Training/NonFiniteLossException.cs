namespace RecallKit.Vision.Training;

/// <summary>The loss became NaN or infinite; the last checkpoint on disk is the last good state.</summary>
public sealed class NonFiniteLossException(string message) : Exception(message);
