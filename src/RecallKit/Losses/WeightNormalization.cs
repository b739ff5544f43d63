namespace RecallKit.Losses;

/// <summary>How a class-weighted cross-entropy is averaged.</summary>
public enum WeightNormalization
{
    /// <summary>Σ w_y·CE / Σ w_y over valid positions: PyTorch <c>CrossEntropyLoss(weight)</c> semantics.</summary>
    WeightedMean,
    /// <summary>Weights normalised to Σ_c w_c = C, then Σ w_y·CE / #valid.</summary>
    ValidMean,
}

/// <summary>Which frequency weighting.</summary>
public enum FrequencyWeighting
{
    /// <summary>w_c ∝ 1 / n_c.</summary>
    InverseFrequency,
    /// <summary>w_c = median(n) / n_c.</summary>
    MedianFrequency,
}
