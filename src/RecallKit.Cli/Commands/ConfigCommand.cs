using System.CommandLine;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>recallkit config show [--config X] [--set …]</c>: the full effective config with every default;
/// <c>recallkit config init --data KIND --root DIR</c>: a commented starting config.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create() => new("config", "Training configs: show the effective one, or write a starting one.") { Show(), Init(), ConfigReference.Create() };

    private static Command Show()
    {
        var config = new Option<string?>("--config") { Description = "Training config (JSON); the defaults when omitted." };
        var set = new Option<string[]>("--set") { Description = "Override a config key, e.g. --set loss.kind=recall (repeatable).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("show",
            "Print the full effective config — every key, defaults included — after validating it, as train would use it; keys this config does not read are marked.") { config, set };
        command.SetAction(r => CliErrors.Run(() =>
        {
            Console.WriteLine(Annotated(ConfigLoader.Load(r.GetValue(config), r.GetValue(set) ?? [])));
            return 0;
        }));
        return command;
    }

    /// <summary>The config as JSON with a comment on every key the config does not read (it still loads with --config).</summary>
    internal static string Annotated(TrainConfig config)
    {
        var unread = ConfigApplicability.Rules.Where(rule => !rule.Applies(config)).ToDictionary(rule => rule.Key, rule => rule.When);
        var lines = ConfigLoader.ToJson(config).Split('\n');
        string section = "";
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.TrimStart();
            int indent = line.Length - trimmed.Length;
            if (!trimmed.StartsWith('"') || indent > 4) continue; // a loss term's keys: validation checks them against its kind
            var name = trimmed[1..trimmed.IndexOf('"', 1)];
            if (indent == 2) section = trimmed.EndsWith('{') ? name : "";
            var key = indent == 2 ? name : $"{section}.{name}";
            if (unread.TryGetValue(key, out var when)) lines[i] = $"{line}  // not read here: read {when}";
        }
        return string.Join('\n', lines);
    }

    private static Command Init()
    {
        var data = new Option<string>("--data") { Description = $"Dataset kind: {string.Join(", ", ConfigLoader.EnumNames(typeof(DatasetKind)))}.", Required = true };
        var root = new Option<string>("--root") { Description = "Dataset root directory.", Required = true };
        var command = new Command("init", "Print a commented starting config for a dataset kind (redirect it to a file: > my.json).") { data, root };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var name = r.GetValue(data)!;
            var kinds = Enum.GetValues<DatasetKind>().ToDictionary(k => ConfigLoader.Name(k), k => k);
            if (!kinds.TryGetValue(name, out var kind))
                throw new ConfigException($"--data {name} is not a dataset kind; it must be one of: {string.Join(", ", kinds.Keys)}.");
            Console.Write(StarterConfig.For(kind, r.GetValue(root)!));
            return 0;
        }));
        return command;
    }
}
