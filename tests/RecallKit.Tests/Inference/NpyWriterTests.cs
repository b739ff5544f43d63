using System.Text;
using RecallKit.Tests.Support;
using RecallKit.Vision.Inference;

namespace RecallKit.Tests.Inference;

public sealed class NpyWriterTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-npy-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void TheHeaderIsNpyVersionOneAlignedTo64Bytes()
    {
        var header = NpyWriter.Header([3, 5, 7]);
        Assert.Equal(0, header.Length % 64);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], header[..8]);
        Assert.Equal(header.Length - 10, BitConverter.ToUInt16(header, 8));
        var text = Encoding.ASCII.GetString(header, 10, header.Length - 10);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5, 7), }", text);
        Assert.EndsWith("\n", text);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", Encoding.ASCII.GetString(NpyWriter.Header([4]), 10, 60));
    }

    [Fact]
    public async Task NumPyReadsTheArrayBack()
    {
        if (!File.Exists(PythonTorch.Interpreter)) Assert.Skip($"no {PythonTorch.Interpreter} (Debian's python3 with python3-numpy): the header is still checked byte by byte above");
        var path = Path.Combine(dir, "a.npy");
        var values = Enumerable.Range(0, 2 * 3 * 4).Select(i => i * 0.25f - 1).ToArray();
        NpyWriter.Write(path, values, [2, 3, 4]);
        var script = Path.Combine(dir, "read.py");
        await File.WriteAllTextAsync(script, "import sys, numpy as np\na = np.load(sys.argv[1])\nprint(a.dtype, a.shape, repr(float(a[1, 2, 3])), repr(float(a.sum())))\n",
            TestContext.Current.CancellationToken);
        var (code, stdout, stderr) = await PythonTorch.RunAsync(script, [path], TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        if (code != 0 && stderr.Contains("No module named 'numpy'")) Assert.Skip("python3-numpy is missing: apt-get install python3-numpy");
        Assert.True(code == 0, stderr);
        Assert.Equal($"float32 (2, 3, 4) {values[23]:0.0#} {values.Sum():0.0#}", stdout.Trim());
    }

    [Fact]
    public void ValuesThatDoNotFillTheShapeAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => NpyWriter.Write(Path.Combine(dir, "b.npy"), new float[5], [2, 3]));
        Assert.Contains("5 values do not fill the shape (2, 3)", e.Message);
    }
}
