namespace RecallKit.Tests.Interop;

/// <summary>
/// The PyTorch half of the interop tests, run once per test class: loads every exported network with recallkit_models.load and
/// runs it on the shared inputs; builds the "reverse" networks in PyTorch (random weights and batch-norm statistics), saves their
/// state_dicts with torch.save and their outputs; writes the odd files the error tests need.
/// </summary>
internal static class PyTorchSideScript
{
    /// <summary>argv: interop/python directory, work directory (manifest.json, inputs.pt in; outputs.pt out).</summary>
    public const string Source = """
        import json, os, sys, time
        import torch

        sys.path.insert(0, sys.argv[1])
        import recallkit_models as rk

        work = sys.argv[2]
        torch.set_grad_enabled(False)
        with open(os.path.join(work, "manifest.json")) as f:
            manifest = json.load(f)
        inputs = torch.load(os.path.join(work, "inputs.pt"))
        outputs = {}


        def run(name, model, x, float32):
            if float32:
                outputs[name + "/float32"] = model(x).contiguous()
            outputs[name + "/float64"] = model.double()(x.double()).contiguous()


        for case in manifest["exported"]:
            start = time.time()
            model = rk.load(case["weights"])
            assert not model.training, case["name"]
            run(case["name"], model, inputs[case["input"]], case["float32"])
            print("exported %-32s %.2f s" % (case["name"], time.time() - start))


        def randomise(model, calibration):
            norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
            for bn in norms:
                bn.weight.uniform_(0.5, 1.5)
                bn.bias.uniform_(-0.2, 0.2)
                bn.momentum = 1.0  # one training pass sets the running statistics to the batch's
            if isinstance(model, rk.ClassificationNetwork):
                model.scales.uniform_(0.5, 1.5)
            model.train()
            model(calibration)
            model.eval()
            for bn in norms:  # re-centred as InteropCases.Randomise explains
                bn.momentum = 0.1
                square = bn.running_var + bn.running_mean ** 2
                bn.running_mean.copy_(square.sqrt() * torch.empty_like(square).uniform_(-0.2, 0.2))
                bn.running_var.copy_(square * torch.empty_like(square).uniform_(0.5, 1.5))


        torch.manual_seed(0)
        for case in manifest["reverse"]:
            x = inputs[case["input"]]
            model = rk.create(case["architecture"], case["num_classes"], in_channels=x.shape[1], head=case.get("head", "linear"))
            randomise(model, torch.randn(4, x.shape[1], min(x.shape[2], 64), min(x.shape[3], 64)))
            torch.save(model.state_dict(), case["weights"])
            run("reverse/" + case["name"], model, x, case["float32"])

        small_model = rk.create("small_cnn", 10, in_channels=1)
        small = small_model.state_dict()
        torch.save(small_model, os.path.join(work, "whole_module.pt"))
        torch.save(small, os.path.join(work, "legacy.pt"), _use_new_zipfile_serialization=False)
        torch.save({"state_dict": small, "epoch": 3}, os.path.join(work, "checkpoint_dict.pt"))
        torch.save(outputs, os.path.join(work, "outputs.pt"))
        print("torch", torch.__version__)
        """;
}
