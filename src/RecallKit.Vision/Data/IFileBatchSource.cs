namespace RecallKit.Vision.Data;

/// <summary>Batches read from image files, which with <c>data.skip_bad_files</c> drop the files that cannot be used.</summary>
public interface IFileBatchSource : IBatchSource
{
    /// <summary>Files skipped so far, file → reason.</summary>
    IReadOnlyDictionary<string, string> SkippedFiles { get; }
}
