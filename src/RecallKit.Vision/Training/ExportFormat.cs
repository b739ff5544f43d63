namespace RecallKit.Vision.Training;

/// <summary>What <c>recallkit export</c> writes.</summary>
public enum ExportFormat
{
    /// <summary>A RecallKit inference checkpoint (eval and predict read it).</summary>
    RecallKit,
    /// <summary>A PyTorch state_dict (<c>torch.load</c>) and a JSON description beside it.</summary>
    PyTorch,
    /// <summary>A standard ONNX model (ONNX Runtime, <c>recallkit predict --model</c>) with the classes and input normalisation in its metadata.</summary>
    Onnx,
}
