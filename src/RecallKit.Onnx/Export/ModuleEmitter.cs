using RecallKit.Vision.Models;
using RecallKit.Vision.Models.Classification;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Onnx.Export;

/// <summary>
/// Writes the eval-mode forward pass of RecallKit's networks as ONNX nodes, one emitter per module type (the module tree is
/// walked, not traced; the math mirrors <c>interop/python/recallkit_models.py</c>). Dropout is the identity at inference
/// and is left out; batch norm uses the running statistics. Spatial sizes are never baked in: every resize takes its
/// target size from the runtime shape of the tensor it matches, so the graph accepts any batch and image size.
/// </summary>
internal sealed class ModuleEmitter(OnnxGraphBuilder graph)
{
    /// <summary>The network's logits for the images <paramref name="x"/>.</summary>
    public string Network(nn.Module network, string x) => network switch
    {
        LiteSegNet liteSeg => LiteSeg(liteSeg, x),
        DeepLabV3Plus deepLab => DeepLab(deepLab, x),
        ClassificationNetwork classifier => Classifier(classifier, x),
        _ => throw Unsupported(network, "network"),
    };

    private string LiteSeg(LiteSegNet network, string x)
    {
        var half = Emit(Child(network, "stem", ""), x, "stem");
        var quarter = Emit(Child(network, "stage2", ""), half, "stage2");
        var eighth = Emit(Child(network, "stage3", ""), quarter, "stage3");
        var branches = Children(Child(network, "context", "")).Select(b => Emit(b.module, eighth, "context." + b.name)).ToList();
        var pooled = Emit(Child(network, "pooled", ""), graph.Node("GlobalAveragePool", "pooled.input", [eighth]), "pooled");
        // [N,C,1,1] broadcast to eighth's height and width, as expand(-1, -1, H, W).
        var target = graph.Node("Concat", "pooled.expand_shape", [graph.Int64s("pooled.ones", 1, 1), graph.Shape(eighth, 2)], Attributes.Int("axis", 0));
        branches.Add(graph.Node("Expand", "pooled.expand", [pooled, target]));
        var y = Emit(Child(network, "project", ""), Concat(branches, "project.input"), "project");
        y = Emit(Child(network, "fuse4", ""), Concat([Resize(y, quarter, "fuse4.upsample"), quarter], "fuse4.input"), "fuse4");
        y = Emit(Child(network, "fuse2", ""), Concat([Resize(y, half, "fuse2.upsample"), half], "fuse2.input"), "fuse2");
        return Resize(Emit(Child(network, "classifier", ""), y, "classifier"), x, "upsample");
    }

    private string DeepLab(DeepLabV3Plus network, string x)
    {
        var (low, high) = ResNet(network.Backbone, x, "backbone");
        var branches = Children(Child(network, "aspp", "")).Select(b => Emit(b.module, high, "aspp." + b.name)).ToList();
        var pooled = Emit(Child(network, "aspp_pool", ""), graph.Node("GlobalAveragePool", "aspp_pool.input", [high]), "aspp_pool");
        branches.Add(Resize(pooled, high, "aspp_pool.upsample"));
        var context = Emit(Child(network, "aspp_project", ""), Concat(branches, "aspp_project.input"), "aspp_project");
        var up = Resize(context, low, "decoder.upsample");
        var reduced = Emit(Child(network, "reduce_low", ""), low, "reduce_low");
        var decoded = Emit(Child(network, "decoder", ""), Concat([up, reduced], "decoder.input"), "decoder");
        return Resize(Emit(Child(network, "classifier", ""), decoded, "classifier"), x, "upsample");
    }

    private string Classifier(ClassificationNetwork network, string x)
    {
        var features = network.Backbone switch
        {
            SmallCnn small => Pool(Emit(Child(small, "features", "backbone"), x, "backbone.features"), "backbone.pool"),
            CifarResNet cifar => Pool(CifarTrunk(cifar, x, "backbone"), "backbone.pool"),
            ResNetFeatures resnet => Pool(ResNet(resnet.Trunk, x, "backbone.trunk").high, "backbone.pool"),
            var other => throw Unsupported(other, "backbone"),
        };
        var head = network.Classifier;
        string logits;
        if (network.Cosine)
        {
            // normalize(features) · normalize(W)ᵀ; F.normalize divides by max(‖x‖, 1e-12).
            var norm = graph.Node("ReduceL2", "fc.feature_norm", [features], Attributes.Ints("axes", 1), Attributes.Int("keepdims", 1));
            var clamped = graph.Node("Max", "fc.feature_norm_clamped", [norm, graph.Scalar("fc.epsilon", 1e-12f)]);
            var unit = graph.Node("Div", "fc.unit_features", [features, clamped]);
            using var weight = nn.functional.normalize(head.weight!.detach(), dim: 1);
            logits = graph.Node("Gemm", "fc", [unit, graph.Weight("fc.weight_normalized", weight)], Attributes.Int("transB", 1));
        }
        else
        {
            logits = graph.Node("Gemm", "fc", [features, graph.Weight("fc.weight", head.weight!), graph.Weight("fc.bias", head.bias!)], Attributes.Int("transB", 1));
        }
        return graph.Node("Mul", "scales", [logits, graph.Weight("scales", network.Scales)]);
    }

    /// <summary>Global average pooling to [N,C] (<c>mean([2, 3])</c>).</summary>
    private string Pool(string x, string name) =>
        graph.Node("Flatten", name + ".flatten", [graph.Node("GlobalAveragePool", name, [x])], Attributes.Int("axis", 1));

    private string CifarTrunk(CifarResNet trunk, string x, string path)
    {
        var y = graph.Node("Relu", path + ".relu", [BatchNorm(Child(trunk, "bn1", path), Conv(Child(trunk, "conv1", path), x, path + ".conv1"), path + ".bn1")]);
        foreach (var layer in new[] { "layer1", "layer2", "layer3" }) y = Emit(Child(trunk, layer, path), y, $"{path}.{layer}");
        return y;
    }

    private (string low, string high) ResNet(ResNetBackbone trunk, string x, string path)
    {
        var y = graph.Node("Relu", path + ".relu", [BatchNorm(Child(trunk, "bn1", path), Conv(Child(trunk, "conv1", path), x, path + ".conv1"), path + ".bn1")]);
        y = Emit(Child(trunk, "maxpool", path), y, path + ".maxpool");
        var low = Emit(Child(trunk, "layer1", path), y, path + ".layer1");
        var high = low;
        foreach (var layer in new[] { "layer2", "layer3", "layer4" }) high = Emit(Child(trunk, layer, path), high, $"{path}.{layer}");
        return (low, high);
    }

    /// <summary>A single-input, single-output module.</summary>
    private string Emit(nn.Module module, string x, string path) => module switch
    {
        Sequential sequential => Children(sequential).Aggregate(x, (y, child) => Emit(child.module, y, $"{path}.{child.name}")),
        ConvBnRelu block => graph.Node("Relu", path + ".relu",
            [BatchNorm(Child(block, "bn", path), Conv(Child(block, "conv", path), x, path + ".conv"), path + ".bn")]),
        BasicBlock block => Residual(block, x, path, ["1", "2"]),
        Bottleneck block => Residual(block, x, path, ["1", "2", "3"]),
        Conv2d conv => Conv(conv, x, path),
        MaxPool2d pool => MaxPool(pool, x, path),
        Dropout => x,
        _ => throw Unsupported(module, path),
    };

    /// <summary>conv_i → bn_i (→ ReLU but for the last), plus the identity or projection shortcut, then ReLU.</summary>
    private string Residual(nn.Module block, string x, string path, string[] stages)
    {
        var y = x;
        foreach (var i in stages)
        {
            y = BatchNorm(Child(block, "bn" + i, path), Conv(Child(block, "conv" + i, path), y, $"{path}.conv{i}"), $"{path}.bn{i}");
            if (i != stages[^1]) y = graph.Node("Relu", $"{path}.relu{i}", [y]);
        }
        var identity = x;
        if (Children(block).FirstOrDefault(c => c.name == "downsample").module is ProjectionShortcut shortcut)
        {
            // x[..., ::s, ::s] then a 1×1 convolution is a 1×1 convolution with stride s.
            var conv = (Conv2d)Child(shortcut, "0", path + ".downsample");
            identity = BatchNorm(Child(shortcut, "1", path + ".downsample"), Conv(conv, x, path + ".downsample.0", shortcut.Stride), path + ".downsample.1");
        }
        return graph.Node("Relu", path + ".relu", [graph.Node("Add", path + ".add", [y, identity])]);
    }

    private string Conv(nn.Module module, string x, string path, long? strideOverride = null)
    {
        if (module is not Conv2d conv) throw Unsupported(module, path);
        var weight = conv.weight!;
        long[] kernel = [weight.shape[2], weight.shape[3]];
        long[] stride = strideOverride is { } s ? [s, s] : Pair(conv.stride, path, "stride");
        long[] padding = Pair(conv.padding, path, "padding");
        long[] dilation = Pair(conv.dilation, path, "dilation");
        if (strideOverride is not null && (kernel[0] != 1 || kernel[1] != 1 || padding.Any(p => p != 0) || conv.stride.Any(v => v != 1)))
            throw new NotSupportedException($"{path}: a projection shortcut must be an unpadded 1×1 convolution with stride 1, got kernel {kernel[0]}×{kernel[1]}.");
        var inputs = new List<string> { x, graph.Weight(path + ".weight", weight) };
        if (conv.bias is { } bias) inputs.Add(graph.Weight(path + ".bias", bias));
        return graph.Node("Conv", path, inputs,
            Attributes.Ints("kernel_shape", kernel), Attributes.Ints("strides", stride), Attributes.Ints("pads", padding[0], padding[1], padding[0], padding[1]),
            Attributes.Ints("dilations", dilation), Attributes.Int("group", conv.groups));
    }

    private string BatchNorm(nn.Module module, string x, string path)
    {
        if (module is not BatchNorm bn || bn.running_mean is null || bn.running_var is null || bn.weight is null || bn.bias is null)
            throw new NotSupportedException($"{path}: expected an affine batch norm with running statistics, found {module.GetType().Name}.");
        return graph.Node("BatchNormalization", path,
            [x, graph.Weight(path + ".weight", bn.weight), graph.Weight(path + ".bias", bn.bias), graph.Weight(path + ".running_mean", bn.running_mean),
                graph.Weight(path + ".running_var", bn.running_var)],
            Attributes.Float("epsilon", (float)bn.eps));
    }

    private string MaxPool(MaxPool2d pool, string x, string path)
    {
        var kernel = Pair(pool.kernel_size, path, "kernel_size");
        var stride = pool.stride is null ? kernel : Pair(pool.stride, path, "stride");
        var padding = pool.padding is null ? [0, 0] : Pair(pool.padding, path, "padding");
        if (pool.ceil_mode) throw new NotSupportedException($"{path}: max pooling with ceil_mode is not exported.");
        return graph.Node("MaxPool", path, [x],
            Attributes.Ints("kernel_shape", kernel), Attributes.Ints("strides", stride), Attributes.Ints("pads", padding[0], padding[1], padding[0], padding[1]));
    }

    private string Concat(IEnumerable<string> values, string name) => graph.Node("Concat", name, values, Attributes.Int("axis", 1));

    /// <summary>Bilinear resize of <paramref name="x"/> to the height and width of <paramref name="like"/> (F.interpolate, align_corners=False).</summary>
    private string Resize(string x, string like, string name)
    {
        var sizes = graph.Node("Concat", name + ".sizes", [graph.Shape(x, 0, 2), graph.Shape(like, 2)], Attributes.Int("axis", 0));
        return graph.Node("Resize", name, [x, "", "", sizes],
            Attributes.String("mode", "linear"), Attributes.String("coordinate_transformation_mode", "half_pixel"));
    }

    private static long[] Pair(long[]? values, string path, string what) => values switch
    {
        [var v] => [v, v],
        [var a, var b] => [a, b],
        _ => throw new NotSupportedException($"{path}: {what} [{string.Join(",", values ?? [])}] is not a 2-d value."),
    };

    private static List<(string name, nn.Module module)> Children(nn.Module module) => module.named_children().ToList();

    private static nn.Module Child(nn.Module module, string name, string path) =>
        Children(module).FirstOrDefault(c => c.name == name).module
        ?? throw new NotSupportedException($"{(path.Length == 0 ? module.GetName() : path)}: {module.GetType().Name} has no submodule '{name}'.");

    private static NotSupportedException Unsupported(nn.Module module, string path) =>
        new($"{path}: no ONNX export for modules of type {module.GetType().Name}.");
}
