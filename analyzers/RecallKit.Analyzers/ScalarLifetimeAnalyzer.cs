using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace RecallKit.Analyzers;

/// <summary>
/// RK0001: a .NET value becomes a TorchSharp <c>Scalar</c> that nothing holds while a native call reads it.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 passes <c>scalar.Handle</c> to libtorch without <c>GC.KeepAlive(scalar)</c>, and a <c>Scalar</c>'s
/// finalizer frees its native value. A temporary Scalar is unreachable as soon as its handle has been read, so a garbage
/// collection during the native call can free the value libtorch is reading ("Unknown scalar type", or silently another
/// value). Reported:
/// <list type="bullet">
/// <item>a user-defined conversion of a .NET value to <c>Scalar</c> (<c>t.mul(3)</c>, <c>t.clamp(min: 0)</c>,
/// <c>full(shape, 0.5)</c>, <c>(Scalar)x</c>), unless it initialises a static field or a <c>using</c> local;</item>
/// <item>a <c>ToScalar()</c> result passed straight to a call or an operator (<c>t.mul(3.ToScalar())</c>);</item>
/// <item>a TorchSharp member that makes a temporary Scalar itself, from a number argument or for a default: the tensor
/// operators with a number operand (<c>t * 3</c> calls <c>t.mul(3)</c> inside TorchSharp), tensor <c>+</c> and
/// <c>add(x)</c> / <c>add_(x)</c> (alpha = 1), <c>n - t</c> (<c>t.negative().add(n)</c>), and the members in
/// <see cref="TemporaryMakers"/>. Found by scanning TorchSharp 0.107's IL for <c>Scalar.op_Implicit</c> and
/// <c>ToScalar</c>; members reached only through virtual calls (a module's <c>forward</c>, an optimiser's <c>step</c>)
/// cannot be seen here.</item>
/// </list>
/// A Scalar held by a <c>using</c> local (disposed after the call) or by a <c>static readonly</c> field stays reachable.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ScalarLifetimeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic id.</summary>
    public const string DiagnosticId = "RK0001";

    internal static readonly DiagnosticDescriptor Rule = new(
        DiagnosticId,
        title: "Temporary TorchSharp Scalar passed to a native call",
        messageFormat: "{0}; nothing keeps that Scalar alive during the native call, and a garbage collection can free it while " +
                       "libtorch reads it. Hold it for the call ('using var s = value.ToScalar();' then pass 's') or pass a " +
                       "cached 'static readonly Scalar'.",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "TorchSharp frees a Scalar in its finalizer and does not keep it alive across the native call that " +
                     "reads it. A temporary Scalar (an implicit conversion, a ToScalar() passed straight on, or one TorchSharp " +
                     "makes from a number argument or for a default such as alpha = 1) can be freed by a garbage collection " +
                     "during that call.");

    /// <summary>
    /// TorchSharp 0.107 members that make a temporary Scalar inside TorchSharp, by containing type and name, with the
    /// overloads that do (by their parameters) and why.
    /// </summary>
    private static readonly (string Type, string[] Names, Func<IMethodSymbol, bool> Overload, string Why)[] TemporaryMakers =
    [
        ("TorchSharp.torch+Tensor", ["add", "add_"], m => m.Parameters.Length == 1, AddAlpha),
        ("TorchSharp.torch", ["add", "add_"], m => m.Parameters.Length == 2, AddAlpha),
        ("TorchSharp.torch+Tensor", ["addcdiv", "addcdiv_"], m => m.Parameters.Length == 2, "passes value = 1 as a temporary Scalar inside TorchSharp (pass a held value)"),
        ("TorchSharp.torch+Tensor", ["square"], _ => true, Square),
        ("TorchSharp.torch", ["square"], _ => true, Square),
        ("TorchSharp.torch", ["arange"], m => m.Parameters.Count(p => p.Type.Name == "Scalar") < 3,
         "passes the start or step it defaults as a temporary Scalar inside TorchSharp (pass start, stop and step)"),
        ("TorchSharp.torch", ["normal"], _ => true, "converts its arguments to temporary Scalars inside TorchSharp"),
        ("TorchSharp.torch+linalg", ["matrix_norm", "vector_norm"], m => m.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Double),
         "converts ord to a temporary Scalar inside TorchSharp"),
        ("TorchSharp.torch+Tensor", ["celu", "celu_", "elu", "elu_", "softplus"], m => !m.Parameters.Any(p => p.Type.Name == "Scalar"),
         "converts its arguments or defaults to temporary Scalars inside TorchSharp (use the overload that takes Scalars)"),
        ("TorchSharp.torch+nn+functional",
         ["celu", "elu", "hardshrink", "Hardshrink", "hardtanh", "Hardtanh", "leaky_relu", "softplus", "softshrink",
          "Softshrink", "threshold", "Threshold", "mish", "Mish", "softsign", "Softsign"], _ => true,
         "converts its arguments or constants to temporary Scalars inside TorchSharp"),
        ("TorchSharp.TensorExtensionMethods",
         ["ToSingle", "ToDouble", "ToHalf", "ToBFloat16", "ToSByte", "ToByte", "ToInt16", "ToInt32", "ToInt64", "ToBoolean",
          "ToComplexFloat32", "ToComplexFloat64", "ToComplex32", "ToComplex64"], _ => true,
         "reads the value through a temporary Scalar inside TorchSharp (use item<T>(), or a held ToScalar() and its value)"),
        ("TorchSharp.TensorExtensionMethods", ["str", "cstr", "npstr", "jlstr", "print"], _ => true, ReadsElements),
        ("TorchSharp.torch+Tensor", ["tolist"], _ => true, ReadsElements),
        ("TorchSharp.torch+Tensor", ["ToString"], m => m.Parameters.Length > 0, ReadsElements),
    ];

    private const string AddAlpha = "passes alpha = 1 as a temporary Scalar inside TorchSharp (call add(x, alpha) / add_(x, alpha))";
    private const string Square = "calls pow(2) with a temporary Scalar inside TorchSharp (call pow with a held 2)";
    private const string ReadsElements = "reads the elements through temporary Scalars inside TorchSharp (read them with data<T>())";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            var tensor = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
            if (scalar is null || tensor is null) return; // no TorchSharp: nothing to check

            var makers = ImmutableDictionary.CreateBuilder<(INamedTypeSymbol, string), (Func<IMethodSymbol, bool>, string)>();
            foreach (var (typeName, names, overload, why) in TemporaryMakers)
            {
                if (start.Compilation.GetTypeByMetadataName(typeName) is not { } type) continue;
                foreach (var name in names) makers[(type, name)] = (overload, why);
            }
            var checker = new Checker(scalar, tensor, makers.ToImmutable());

            start.RegisterOperationAction(checker.Conversion, OperationKind.Conversion);
            start.RegisterOperationAction(checker.Invocation, OperationKind.Invocation);
            start.RegisterOperationAction(checker.Operator, OperationKind.Binary, OperationKind.CompoundAssignment);
        });
    }

    private sealed class Checker(INamedTypeSymbol scalar, INamedTypeSymbol tensor,
                                 ImmutableDictionary<(INamedTypeSymbol, string), (Func<IMethodSymbol, bool> Overload, string Why)> makers)
    {
        public void Conversion(OperationAnalysisContext context)
        {
            var conversion = (IConversionOperation)context.Operation;
            if (!conversion.Conversion.IsUserDefined) return;
            if (!SymbolEqualityComparer.Default.Equals(conversion.Type, scalar)) return;
            if (conversion.Operand.Type is not { } from || SymbolEqualityComparer.Default.Equals(from, scalar)) return;
            if (IsHeld(conversion)) return;
            context.ReportDiagnostic(Diagnostic.Create(Rule, conversion.Syntax.GetLocation(),
                $"'{from.ToDisplayString()}' is converted to a temporary TorchSharp.Scalar here"));
        }

        public void Invocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;

            if (method.Name == "ToScalar" && SymbolEqualityComparer.Default.Equals(method.ReturnType, scalar))
            {
                if (IsConsumedDirectly(invocation))
                    context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(),
                        "The result of ToScalar() is passed on without being held"));
                return;
            }

            if (method.ContainingType is { } type && makers.TryGetValue((type.OriginalDefinition, method.Name), out var maker)
                && maker.Overload(method))
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(),
                    $"'{type.Name}.{method.Name}' {maker.Why}"));
            }
        }

        public void Operator(OperationAnalysisContext context)
        {
            var (method, left, right) = context.Operation switch
            {
                IBinaryOperation b => (b.OperatorMethod, b.LeftOperand, b.RightOperand),
                ICompoundAssignmentOperation c => (c.OperatorMethod, c.Target, c.Value),
                _ => (null, null!, null!),
            };
            if (method is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor)) return;
            if (method.Parameters.Length != 2) return;
            var leftIsTensor = SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, tensor);
            if (method.Name == "op_Addition")
                context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(),
                    "Tensor '+' calls add(x), which passes alpha = 1 as a temporary Scalar inside TorchSharp (call a.add(b, alpha))"));
            else if (method.Name == "op_Subtraction" && !leftIsTensor)
                context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(),
                    "'n - tensor' is computed as tensor.negative().add(n), which passes alpha = 1 as a temporary Scalar inside TorchSharp (call tensor.negative().add(n, alpha))"));
            for (var i = 0; i < 2; i++)
            {
                var parameter = method.Parameters[i].Type;
                if (!IsNumber(parameter)) continue;
                var operand = i == 0 ? left : right;
                context.ReportDiagnostic(Diagnostic.Create(Rule, operand.Syntax.GetLocation(),
                    $"The tensor operator converts this '{parameter.ToDisplayString()}' to a temporary TorchSharp.Scalar inside TorchSharp"));
            }
        }

        private static bool IsNumber(ITypeSymbol type) => type.SpecialType is
            SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_Int32 or
            SpecialType.System_Int64 or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Boolean;

        /// <summary>
        /// Whether the converted value is stored where it stays reachable: a static field, or a local declared with
        /// <c>using</c> (disposed at the end of its scope, so reachable until then).
        /// </summary>
        private static bool IsHeld(IOperation value)
        {
            var parent = value.Parent;
            if (parent is IFieldInitializerOperation fieldInit)
                return fieldInit.InitializedFields.All(f => f.IsStatic);
            if (parent is ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Field.IsStatic: true } } assignment)
                return assignment.Value == value;
            if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation declaration } })
                return declaration.Parent is IUsingOperation
                    || declaration.Parent is IVariableDeclarationGroupOperation { Parent: IUsingOperation or IUsingDeclarationOperation };
            return false;
        }

        /// <summary>Whether a Scalar-valued expression goes straight into a call or an operator, held by nothing.</summary>
        private static bool IsConsumedDirectly(IOperation value)
        {
            var parent = value.Parent;
            while (parent is IParenthesizedOperation || parent is IConversionOperation { IsImplicit: true })
                parent = parent.Parent;
            return parent is IArgumentOperation or IBinaryOperation or IUnaryOperation or ICompoundAssignmentOperation;
        }
    }
}
