// The recall loss in a hand-written TorchSharp training loop: a linear classifier on random, imbalanced data.
// Usage: dotnet run --project samples/RecallLossLoop -- [steps]   (prints the loss and the recall weights per step)
using RecallKit.Losses;
using TorchSharp;
using static TorchSharp.torch;

int steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50;
const int classes = 3, features = 4, samples = 512;

torch.manual_seed(0);
var generator = new Generator(0); // held in a variable: libtorch draws from it while the tensors are made

// Inputs and labels from a fixed "teacher": the bias makes class 0 common and class 2 rare.
var x = torch.randn([samples, features], generator: generator);
var teacher = torch.randn([features, classes], generator: generator);
var bias = torch.tensor(new float[] { 1.5f, 0f, -1.5f });
using var one = 1.ToScalar();                                   // held: a temporary Scalar may be freed mid-call (RK0001)
var labels = x.matmul(teacher).add(bias, one).argmax(1);        // int64 [N]

var model = nn.Linear(features, classes);
using var loss = new RecallCrossEntropy(num_classes: classes);  // batch recall (paper Eq. 5); ema_alpha: 0.9 for EMA (Eq. 6)
var optimizer = optim.SGD(model.parameters(), learningRate: 0.5);

for (int step = 1; step <= steps; step++)
{
    using var scope = torch.NewDisposeScope();                  // frees this step's native tensors
    optimizer.zero_grad();
    var value = loss.call(model.call(x), labels);               // Σ_i (1 − recall_{y_i}) · CE_i / N
    value.backward();
    optimizer.step();
    var weights = loss.last_weights.data<double>().ToArray();   // 1 − recall_c used by this step
    Console.WriteLine(FormattableString.Invariant(
        $"step {step} loss {value.item<float>():F6} weights {string.Join(" ", weights.Select(w => w.ToString("F3")))}"));
}
GC.KeepAlive(generator);
