using System.CommandLine;
using RecallKit.Vision.Inference;

namespace RecallKit.Cli.Commands;

/// <summary><c>--window WxH --stride WxH --flip</c> for segmentation predict and eval.</summary>
internal sealed class InferenceOptions
{
    public Option<string?> Window { get; } = new("--window")
    {
        Description = "Segmentation: sliding-window inference with windows of WIDTHxHEIGHT pixels (e.g. 512x512); overlapping logits are averaged, " +
                      "border windows shifted inside; an image smaller than the window runs whole in that dimension.",
    };

    public Option<string?> Stride { get; } = new("--stride")
    {
        Description = "With --window: step between windows, WIDTHxHEIGHT (default: the window, no overlap).",
    };

    public Option<bool> Flip { get; } = new("--flip") { Description = "Segmentation: average the logits of each image and of its horizontal flip." };

    public void AddTo(Command command)
    {
        command.Options.Add(Window);
        command.Options.Add(Stride);
        command.Options.Add(Flip);
    }

    /// <summary>The settings the options give; a malformed size or a stride without a window is an error naming the option.</summary>
    public InferenceSettings Resolve(ParseResult result)
    {
        var windowText = result.GetValue(Window);
        var strideText = result.GetValue(Stride);
        if (windowText is null && strideText is not null) throw new ArgumentException("--stride needs --window (the window size it steps).");
        SlidingWindow? window = null;
        if (windowText is not null)
        {
            var size = WindowSize.Parse(windowText, "--window");
            window = new SlidingWindow(size, strideText is null ? size : WindowSize.Parse(strideText, "--stride"));
        }
        return new InferenceSettings(window, result.GetValue(Flip));
    }
}
