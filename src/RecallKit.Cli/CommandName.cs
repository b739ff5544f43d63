using System.CommandLine;
using System.Reflection;

namespace RecallKit.Cli;

/// <summary>
/// Help and usage show <c>recallkit</c>, the tool's command, rather than the assembly the dotnet host runs
/// (<c>RecallKit.Cli</c>): System.CommandLine 2.0.0 names the root command after the running executable and offers no
/// setting for it, so its cached executable name is set before the root command is built.
/// </summary>
internal static class CommandName
{
    public const string Tool = "recallkit";

    public static void UseToolName()
    {
        var field = typeof(RootCommand).GetField("_executableName", BindingFlags.NonPublic | BindingFlags.Static);
        if (field?.FieldType == typeof(string)) field.SetValue(null, Tool);
    }
}
