using System.Runtime.InteropServices;
using Google.Protobuf;
using RecallKit.Onnx.Protos;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Onnx.Export;

/// <summary>
/// Appends nodes and initializers to an ONNX graph. Every value gets a unique name derived from the module path that made it
/// (initializers are named after the state-dict keys, e.g. <c>backbone.layer1.0.conv1.weight</c>), so a node of the
/// exported file can be traced back to the module.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> shapes = new(StringComparer.Ordinal);

    public GraphProto Graph { get; } = new() { Name = "recallkit" };

    /// <summary>Declares a graph input; its name is taken as given.</summary>
    public string Input(string name, TypeProto type)
    {
        names.Add(name);
        Graph.Input.Add(new ValueInfoProto { Name = name, Type = type });
        return name;
    }

    /// <summary>Declares <paramref name="value"/> (a node output) as the graph output <paramref name="name"/>.</summary>
    public void Output(string value, string name, TypeProto type)
    {
        if (value != name)
        {
            if (!names.Add(name)) throw new InvalidOperationException($"the graph already has a value named {name}.");
            var producer = Graph.Node.Single(n => n.Output.Contains(value));
            producer.Output[producer.Output.IndexOf(value)] = name;
            foreach (var node in Graph.Node)
                for (int i = 0; i < node.Input.Count; i++)
                    if (node.Input[i] == value) node.Input[i] = name;
        }
        Graph.Output.Add(new ValueInfoProto { Name = name, Type = type });
    }

    /// <summary>A float32 initializer holding <paramref name="value"/> (any dtype or device; copied to the CPU as float32).</summary>
    public string Weight(string name, Tensor value)
    {
        using var scope = NewDisposeScope();
        var cpu = value.detach().to(ScalarType.Float32, CPU).contiguous();
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(cpu.shape);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()));
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 vector initializer (shapes, axes).</summary>
    public string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float32 scalar initializer.</summary>
    public string Scalar(string name, float value)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node of the default (ai.onnx) domain named <paramref name="name"/> and returns its single output.</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(name) };
        node.Input.AddRange(inputs);
        node.Output.Add(node.Name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node.Name;
    }

    /// <summary>The int64 vector [dims start, end) of <paramref name="value"/>'s runtime shape (one Shape node per value and range).</summary>
    public string Shape(string value, long start, long? end = null)
    {
        var key = $"{value}[{start}:{end}]";
        if (shapes.TryGetValue(key, out var existing)) return existing;
        var attributes = end is null ? [Attributes.Int("start", start)] : new[] { Attributes.Int("start", start), Attributes.Int("end", end.Value) };
        return shapes[key] = Node("Shape", value + ".shape", [value], attributes);
    }

    private string Unique(string name)
    {
        if (names.Add(name)) return name;
        for (int i = 1; ; i++)
            if (names.Add($"{name}_{i}")) return $"{name}_{i}";
    }
}

/// <summary>Node attributes.</summary>
internal static class Attributes
{
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
