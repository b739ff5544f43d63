namespace RecallKit.Vision.Configuration;

/// <summary>A configuration problem, with a message that names the key and what was expected.</summary>
public sealed class ConfigException(string message) : Exception(message);
