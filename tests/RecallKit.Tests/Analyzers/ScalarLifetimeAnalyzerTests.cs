using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using RecallKit.Analyzers;

namespace RecallKit.Tests.Analyzers;

/// <summary>
/// RK0001 on small snippets compiled against TorchSharp: where a temporary Scalar reaches a native call it is reported, at the
/// value that becomes the Scalar; a Scalar held by a <c>using</c> local or a static field is not.
/// </summary>
public class ScalarLifetimeAnalyzerTests
{
    /// <summary>The framework's assemblies and TorchSharp's.</summary>
    private static readonly MetadataReference[] References = FrameworkAssemblies()
        .Append(typeof(TorchSharp.Scalar).Assembly.Location)
        .Distinct()
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToArray();

    private static IEnumerable<string> FrameworkAssemblies()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == runtimeDirectory);
    }

    [Fact]
    public async Task TensorTimesAnIntIsReportedAtTheInt()
    {
        var found = Single(await Analyze("return t * 3;"));
        Assert.Equal("3", found.Text);
        Assert.Equal(ScalarLifetimeAnalyzer.DiagnosticId, found.Diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, found.Diagnostic.Severity);
        Assert.Equal(BodyLine, found.Line);
        Assert.Contains("ToScalar()", found.Diagnostic.GetMessage());
    }

    [Fact]
    public async Task AnImplicitConversionInAnArgumentIsReported()
    {
        var found = await Analyze("return t.add(1.0);");
        Assert.Contains(found, f => f.Text == "1.0" && f.Diagnostic.GetMessage().Contains("'double' is converted"));
        // add(x) also passes a hidden alpha of 1: reported on the call.
        Assert.Contains(found, f => f.Text == "t.add(1.0)");
    }

    [Fact]
    public async Task AScalarHeldByAUsingLocalIsNotReported()
    {
        Assert.Empty(await Analyze("using var s = 3.ToScalar(); return t.mul(s);"));
        Assert.Empty(await Analyze("using Scalar s = 0.5; return t.mul(s);"));
        Assert.Empty(await Analyze("using (Scalar s = 2) return t.mul(s);"));
    }

    [Fact]
    public async Task ToScalarPassedStraightToACallIsReported()
    {
        var found = Single(await Analyze("return t.mul(3.ToScalar());"));
        Assert.Equal("3.ToScalar()", found.Text);
        Assert.Equal("3.ToScalar()", Single(await Analyze("return t * 3.ToScalar();")).Text);
    }

    [Fact]
    public async Task AStaticReadonlyScalarIsNotReported()
    {
        Assert.Empty(await Analyze("return t.mul(Cached);"));
        Assert.Empty(await Analyze("return t.mul(CachedByConversion);"));
        Assert.Empty(await Analyze("return t.add(u, Cached);"));
    }

    [Fact]
    public async Task TensorTimesTensorIsNotReported()
    {
        Assert.Empty(await Analyze("return t * u;"));
        Assert.Empty(await Analyze("return (t - u) / u;"));
    }

    [Fact]
    public async Task HiddenTemporariesInsideTorchSharpAreReported()
    {
        Assert.Equal("t + u", Single(await Analyze("return t + u;")).Text);
        Assert.Equal("u.square()", Single(await Analyze("return u.square();")).Text);
        Assert.Contains(await Analyze("return 1 - t;"), f => f.Text == "1 - t");
    }

    [Fact]
    public async Task ScalarArgumentsOfTensorOperationsAreReported()
    {
        Assert.Equal(new[] { "0" }, (await Analyze("return t.masked_fill(t.gt(Cached), 0);")).Select(f => f.Text));
        Assert.Equal(new[] { "0" }, (await Analyze("return t.clamp(min: 0);")).Select(f => f.Text));
        Assert.Equal(new[] { "0.5" }, (await Analyze("return full(new long[] { 2 }, 0.5);")).Select(f => f.Text));
        Assert.Equal(new[] { "2" }, (await Analyze("return t.pow(2);")).Select(f => f.Text));
        Assert.Equal(new[] { "(Scalar)x" }, (await Analyze("long x = 3; return t.mul((Scalar)x);")).Select(f => f.Text));
    }

    [Fact]
    public async Task AScalarInALocalWithoutUsingIsReportedAtTheConversion()
    {
        Assert.Equal("0.5", Single(await Analyze("Scalar s = 0.5; return t.mul(s);")).Text);
    }

    [Fact]
    public async Task CodeWithoutTorchSharpIsLeftAlone()
    {
        var tree = CSharpSyntaxTree.ParseText("public static class C { public static int F(int x) => x * 3; }");
        var compilation = CSharpCompilation.Create("NoTorch", [tree], FrameworkAssemblies().Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(await compilation.WithAnalyzers([new ScalarLifetimeAnalyzer()]).GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>1-based line of the snippet's body in <see cref="Source"/>.</summary>
    private const int BodyLine = 11;

    private static string Source(string body) => $$"""
        using TorchSharp;
        using static TorchSharp.torch;

        public static class Snippet
        {
            private static readonly Scalar Cached = 3.ToScalar();
            private static readonly Scalar CachedByConversion = 2.5;

            public static Tensor Run(Tensor t, Tensor u)
            {
                {{body}}
            }
        }
        """;

    private sealed record Found(Diagnostic Diagnostic, string Text, int Line);

    private static Found Single(IReadOnlyList<Found> found)
    {
        Assert.True(found.Count == 1, $"expected one diagnostic, got {found.Count}: {string.Join("; ", found.Select(f => $"'{f.Text}': {f.Diagnostic.GetMessage()}"))}");
        return found[0];
    }

    /// <summary>Compiles the snippet (it must compile) and returns RK0001's diagnostics with the source text they point at.</summary>
    private static async Task<IReadOnlyList<Found>> Analyze(string body)
    {
        var tree = CSharpSyntaxTree.ParseText(Source(body), new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create("Snippet", [tree], References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"the snippet does not compile: {string.Join("; ", errors)}");
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers([new ScalarLifetimeAnalyzer()])
            .GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);
        var text = tree.GetText();
        return diagnostics
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => new Found(d, text.ToString(d.Location.SourceSpan), d.Location.GetLineSpan().StartLinePosition.Line + 1))
            .ToList();
    }
}
