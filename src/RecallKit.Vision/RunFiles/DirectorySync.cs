using System.Runtime.InteropServices;

namespace RecallKit.Vision.RunFiles;

/// <summary>
/// Flushes a directory's entries to disk (POSIX <c>fsync</c> on the directory), so a file renamed into it survives a power
/// loss. .NET has no API for this; on other systems than Linux it does nothing, and so does a file system that cannot flush
/// directories (EINVAL, ENOTSUP).
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY opens a directory; O_DIRECTORY's value differs between architectures
    private const int InvalidArgument = 22, NotSupported = 95; // EINVAL, ENOTSUP (EOPNOTSUPP) on Linux

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = open(directory, ReadOnly);
        if (fd < 0) throw new IOException($"cannot open directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (fsync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is not (InvalidArgument or NotSupported))
                    throw new IOException($"fsync of directory {directory} failed (errno {errno}).");
            }
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
