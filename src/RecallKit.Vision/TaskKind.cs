namespace RecallKit.Vision;

/// <summary>What a network predicts.</summary>
public enum TaskKind
{
    /// <summary>A class per pixel.</summary>
    Segmentation,
    /// <summary>A class per image.</summary>
    Classification,
}
