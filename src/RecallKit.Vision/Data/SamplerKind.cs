namespace RecallKit.Vision.Data;

/// <summary>How training samples are drawn (classification).</summary>
public enum SamplerKind
{
    /// <summary>Every sample once per epoch, shuffled.</summary>
    Uniform,
    /// <summary>Class drawn uniformly, then a sample of it (Kang et al.'s class-balanced sampling, for cRT/LWS).</summary>
    ClassBalanced,
    /// <summary>Class drawn with probability ∝ √n_c, then a sample of it.</summary>
    SquareRoot,
    /// <summary>
    /// Progressively-balanced (Kang et al. 2020): class j drawn with p_j(t) = (1 − t/T)·n_j/N + (t/T)/C at epoch t of T, then a
    /// sample of it; instance-balanced at the start, nearly class-balanced at the end.
    /// </summary>
    Progressive,
}
