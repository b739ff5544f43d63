using System.Runtime.InteropServices;

namespace RecallKit.Vision.Distributed;

/// <summary>
/// MPI_COMM_WORLD of Open MPI (Debian's <c>libmpi.so.40</c>), through the few C functions the trainer needs. Open MPI's
/// handles (communicator, datatypes, operation) are the addresses of exported globals. The library is opened with
/// RTLD_GLOBAL so that the components Open MPI loads at MPI_Init resolve their symbols against it.
/// </summary>
public sealed unsafe class MpiDistributed : IDistributed
{
    private const string Library = "libmpi.so.40";
    private static readonly IntPtr InPlace = 1; // MPI_IN_PLACE in Open MPI

    private readonly IntPtr world, mpiFloat, mpiDouble, mpiLong, mpiByte, sum;
    private readonly delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int> allreduce;
    private readonly delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int> bcast;
    private readonly delegate* unmanaged<IntPtr, int> barrier;
    private readonly delegate* unmanaged<IntPtr, int, int> abort;
    private readonly delegate* unmanaged<int> finalize;
    private readonly delegate* unmanaged<int*, int> finalized;
    private bool disposed;

    private MpiDistributed(IntPtr library)
    {
        IntPtr Get(string name) => NativeLibrary.GetExport(library, name);
        world = Get("ompi_mpi_comm_world");
        mpiFloat = Get("ompi_mpi_float");
        mpiDouble = Get("ompi_mpi_double");
        mpiLong = Get("ompi_mpi_long");
        mpiByte = Get("ompi_mpi_byte");
        sum = Get("ompi_mpi_op_sum");
        allreduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int>)Get("MPI_Allreduce");
        bcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int>)Get("MPI_Bcast");
        barrier = (delegate* unmanaged<IntPtr, int>)Get("MPI_Barrier");
        abort = (delegate* unmanaged<IntPtr, int, int>)Get("MPI_Abort");
        finalize = (delegate* unmanaged<int>)Get("MPI_Finalize");
        finalized = (delegate* unmanaged<int*, int>)Get("MPI_Finalized");
        var init = (delegate* unmanaged<int*, byte***, int>)Get("MPI_Init");
        var initialized = (delegate* unmanaged<int*, int>)Get("MPI_Initialized");
        var commRank = (delegate* unmanaged<IntPtr, int*, int>)Get("MPI_Comm_rank");
        var commSize = (delegate* unmanaged<IntPtr, int*, int>)Get("MPI_Comm_size");
        int flag = 0;
        Check(initialized(&flag), "MPI_Initialized");
        if (flag == 0) Check(init(null, null), "MPI_Init");
        int rank, size;
        Check(commRank(world, &rank), "MPI_Comm_rank");
        Check(commSize(world, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
    }

    /// <summary>Opens Open MPI and calls MPI_Init; a missing library is an error saying how to install it.</summary>
    public static MpiDistributed Initialize()
    {
        const int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;
        var handle = dlopen(Library, RTLD_NOW | RTLD_GLOBAL);
        if (handle == IntPtr.Zero)
            throw new InvalidOperationException(
                $"this process runs under mpirun but {Library} (Open MPI 4) could not be loaded: {Marshal.PtrToStringUTF8(dlerror())}. Install it with: apt-get install openmpi-bin libopenmpi-dev");
        return new MpiDistributed(handle);
    }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

    [DllImport("libc", EntryPoint = "dlerror")]
    private static extern IntPtr dlerror();

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        fixed (float* p = values) Check(allreduce((void*)InPlace, p, values.Length, mpiFloat, sum, world), "MPI_Allreduce");
        Count(values.Length * sizeof(float), start);
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        fixed (double* p = values) Check(allreduce((void*)InPlace, p, values.Length, mpiDouble, sum, world), "MPI_Allreduce");
        Count(values.Length * sizeof(double), start);
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<long> values)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        fixed (long* p = values) Check(allreduce((void*)InPlace, p, values.Length, mpiLong, sum, world), "MPI_Allreduce");
        Count(values.Length * sizeof(long), start);
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> data, int root = 0)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        fixed (byte* p = data) Check(bcast(p, data.Length, mpiByte, root, world), "MPI_Bcast");
        Count(data.Length, start);
    }

    /// <inheritdoc />
    public void Barrier() => Check(barrier(world), "MPI_Barrier");

    /// <inheritdoc />
    public void Abort(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        abort(world, code);
        Environment.Exit(code);
    }

    /// <summary>Calls MPI_Finalize (once).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        int done = 0;
        finalized(&done);
        if (done == 0) finalize();
    }

    /// <inheritdoc />
    public CollectiveTraffic Traffic { get; private set; } = CollectiveTraffic.None;

    private void Count(long bytes, long start) =>
        Traffic = new CollectiveTraffic(Traffic.Calls + 1, Traffic.Bytes + bytes, Traffic.Elapsed + System.Diagnostics.Stopwatch.GetElapsedTime(start));

    private static void Check(int code, string function)
    {
        if (code != 0) throw new InvalidOperationException($"{function} failed with MPI error {code}.");
    }
}
