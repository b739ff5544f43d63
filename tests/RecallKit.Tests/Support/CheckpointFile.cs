using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Support;

/// <summary>One-shot reads of a checkpoint file that close it again (a loaded checkpoint keeps its file open).</summary>
internal static class CheckpointFile
{
    public static byte[] Bytes(string path, string section)
    {
        using var checkpoint = Checkpoint.Load(path);
        return checkpoint.Get(section);
    }

    public static int Step(string path)
    {
        using var checkpoint = Checkpoint.Load(path);
        return TrainingProgress.FromJson(checkpoint.GetText("progress")).Iteration;
    }
}
