// Every tensor-level file of the library uses TorchSharp and the held Scalars of Runtime (rule RK0001).
global using RecallKit.Runtime;
global using TorchSharp;
global using static TorchSharp.torch;
