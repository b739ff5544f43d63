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
}
