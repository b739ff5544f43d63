using System.Text.Json;
using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Training;
