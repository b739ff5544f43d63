using System.Diagnostics;
using System.Text.Json;
using RecallKit.Losses;
using RecallKit.Metrics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>The loss became NaN or infinite; the last checkpoint on disk is the last good state.</summary>
public sealed class NonFiniteLossException(string message) : Exception(message);
