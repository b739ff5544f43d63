namespace RecallKit.Vision.Models;

/// <summary>Which backbone parameters a weights file provided.</summary>
/// <param name="Loaded">State-dict keys that were loaded.</param>
/// <param name="Missing">Keys of the backbone the file did not provide (they keep their initialisation).</param>
public sealed record BackboneWeightsReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing);
