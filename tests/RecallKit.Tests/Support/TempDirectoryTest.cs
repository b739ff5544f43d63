namespace RecallKit.Tests.Support;

/// <summary>A test class whose every test gets a new temporary directory, deleted with its contents after the test.</summary>
/// <param name="prefix">Start of the directory's name, naming the test class.</param>
public abstract class TempDirectoryTest(string prefix) : IDisposable
{
    /// <summary>The test's directory.</summary>
    protected string dir { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        Directory.Delete(dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
