using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Registered buffers of the loss modules: created once, outside any dispose scope, and converted by <c>Module.to</c>.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>Module.to</c> skips non-persistent buffers, and for a buffer that shares its name with a public
/// property it calls the property's setter instead of re-registering the buffer. The losses that hold such buffers convert
/// them here first (floating buffers take the new dtype, as PyTorch's <c>Module.to(dtype)</c>; every buffer takes the new
/// device) and read them back by name on every use, so no field can keep a tensor the conversion replaced.
/// </remarks>
internal static class LossBuffers
{
    /// <summary>Name of the class-weight buffer [C], as PyTorch's <c>CrossEntropyLoss.weight</c>.</summary>
    public const string Weight = "weight";

    /// <summary>Name of the LDAM margin buffer [C].</summary>
    public const string Margins = "margins";

    /// <summary>A float64 [C] buffer holding <paramref name="values"/>, detached from any dispose scope.</summary>
    public static Tensor Create(IReadOnlyList<double> values, Device? device = null) =>
        tensor(values.ToArray(), dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();

    /// <summary>A float64 [<paramref name="length"/>] zero buffer, detached from any dispose scope.</summary>
    public static Tensor Zeros(long length, Device? device = null) =>
        zeros(length, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();

    /// <summary>The values of a buffer as float64 on the host; the buffer itself is left as it is.</summary>
    public static double[] HostValues(Tensor buffer)
    {
        using var scope = NewDisposeScope();
        return buffer.detach().to(ScalarType.Float64, CPU).data<double>().ToArray();
    }

    /// <summary>
    /// Converts the named buffers of a module for <c>Module.to(dtype, device)</c>: each one that changes is replaced by its
    /// converted copy (registered under the same name and persistence) and the old tensor is disposed, as TorchSharp does.
    /// </summary>
    public static void Convert(nn.Module module, IEnumerable<(string name, bool persistent)> buffers, ScalarType? dtype, Device? device,
        bool non_blocking, Action<string, Tensor?, bool> register)
    {
        foreach (var (name, persistent) in buffers)
        {
            var old = module.get_buffer(name);
            if (old is null) continue;
            var type = dtype is { } d && (old.is_floating_point() || old.is_complex()) ? d : old.dtype;
            var deviceType = device?.type ?? old.device_type;
            var deviceIndex = device is null ? old.device_index : device.type == DeviceType.CUDA ? device.index : -1;
            if (type == old.dtype && deviceType == old.device_type && deviceIndex == old.device_index) continue;
            var converted = old.to(type, new Device(deviceType, deviceIndex), non_blocking: non_blocking).DetachFromDisposeScope();
            register(name, converted, persistent);
            old.Dispose();
        }
    }

    /// <summary>
    /// A per-class buffer for use with <paramref name="input"/>: checked to be on the input's device (an
    /// <see cref="ArgumentException"/> naming the fix otherwise) and cast to the input's dtype (a no-op when they match).
    /// </summary>
    public static Tensor For(Tensor buffer, Tensor input, string buffer_name, string loss)
    {
        CheckDevice(buffer, input, buffer_name, loss);
        return buffer.dtype == input.dtype ? buffer : buffer.to_type(input.dtype);
    }

    /// <summary>An <see cref="ArgumentException"/> naming the fix when a buffer is not on the input's device (no host sync).</summary>
    public static void CheckDevice(Tensor buffer, Tensor input, string buffer_name, string loss)
    {
        if (buffer.device_type != input.device_type || buffer.device_index != input.device_index)
            throw new ArgumentException(
                $"{loss}: its buffer '{buffer_name}' is on {buffer.device} but input is on {input.device}; move the loss with loss.to(device), as the model.",
                nameof(input));
    }
}
