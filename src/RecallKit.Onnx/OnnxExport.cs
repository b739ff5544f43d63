using System.Reflection;
using Google.Protobuf;
using RecallKit.Onnx.Export;
using RecallKit.Onnx.Protos;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using RecallKit.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Onnx;

/// <summary>
/// <c>recallkit export --format onnx</c>: the network's inference graph as a standard ONNX model (opset <see cref="Opset"/>)
/// with one input <see cref="InputName"/> [batch, channels, height, width] and one output <see cref="OutputName"/>
/// ([batch, classes, height, width] or [batch, classes]); batch, height and width are symbolic, so any size runs. The
/// <see cref="OnnxModelInfo"/> travels in the model's metadata. An SDN classifier is written as f and h (g is a training head).
/// </summary>
public static class OnnxExport
{
    /// <summary>The ai.onnx operator set the graph uses.</summary>
    public const int Opset = 17;

    /// <summary>ONNX IR version 8 (ONNX 1.12, the release of opset 17).</summary>
    public const long IrVersion = 8;

    /// <summary>The graph input: normalised images, float32 [N,C,H,W].</summary>
    public const string InputName = "images";

    /// <summary>The graph output: float32 logits.</summary>
    public const string OutputName = "logits";

    /// <summary>Writes <paramref name="model"/>'s network to <paramref name="path"/>.</summary>
    public static void Write(TrainedModel model, string path) => Write(model.Network, OnnxModelInfo.Describe(model.Config, model.Classes), path);

    /// <summary>Writes <paramref name="network"/> (its eval-mode function, whatever mode it is in) to <paramref name="path"/> via a temporary file.</summary>
    public static void Write(nn.Module<Tensor, Tensor> network, OnnxModelInfo info, string path)
    {
        var model = Build(network, info);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = File.Create(temporary)) model.WriteTo(stream);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The ONNX model of <paramref name="network"/>, serialised.</summary>
    public static byte[] ToBytes(nn.Module<Tensor, Tensor> network, OnnxModelInfo info) => Build(network, info).ToByteArray();

    internal static ModelProto Build(nn.Module<Tensor, Tensor> network, OnnxModelInfo info)
    {
        var graph = new OnnxGraphBuilder();
        var images = graph.Input(InputName, TensorType(Dim.Named("batch"), Dim.Fixed(info.InChannels), Dim.Named("height"), Dim.Named("width")));
        string logits;
        using (no_grad()) logits = new ModuleEmitter(graph).Network(network, images);
        var classes = Dim.Fixed(info.Classes.Length);
        graph.Output(logits, OutputName, TensorType([.. VisionTasks.For(info.Task).LogitDimensions.Select(d => d == "classes" ? classes : Dim.Named(d))]));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "RecallKit",
            ProducerVersion = typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            DocString = $"{info.Architecture}, {info.Classes.Length} classes; input '{InputName}' = (pixel / 255 - input_mean) / input_std, see metadata '{OnnxModelInfo.MetadataKey}'.",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxModelInfo.MetadataKey, Value = info.ToJson() });
        return model;
    }

    private static TypeProto TensorType(params TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims);
        return new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } };
    }

    private static class Dim
    {
        public static TensorShapeProto.Types.Dimension Named(string name) => new() { DimParam = name };

        public static TensorShapeProto.Types.Dimension Fixed(long size) => new() { DimValue = size };
    }
}
