namespace RecallKit.Vision.Training;

/// <summary>What <c>recallkit export</c> writes.</summary>
public enum ExportFormat
{
    /// <summary>A RecallKit inference checkpoint (eval and predict read it).</summary>
    RecallKit,
    /// <summary>A PyTorch state_dict (<c>torch.load</c>) and a JSON description beside it.</summary>
    PyTorch,
}
