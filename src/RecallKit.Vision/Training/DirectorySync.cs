using System.Runtime.InteropServices;

namespace RecallKit.Vision.Training;

/// <summary>
/// Flushes a directory's entries to disk (POSIX <c>fsync</c> on the directory), so a file renamed into it survives a power
/// loss. .NET has no API for this; elsewhere than Linux/macOS it does nothing.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0, DirectoryFlag = 0x10000; // O_RDONLY, O_DIRECTORY (Linux x64/arm64)

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = open(directory, ReadOnly | DirectoryFlag);
        if (fd < 0) throw new IOException($"cannot open directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc")]
    private static extern int close(int fd);
}
