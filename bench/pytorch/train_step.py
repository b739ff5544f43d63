"""PyTorch side of `bench compare-pytorch`: the training step RecallKit's bench times, in PyTorch, on the same network
(interop/python/recallkit_models.py: the same modules and state_dict keys), batch, optimiser and loss.

Usage: train_step.py ARCHITECTURE NUM_CLASSES BATCH HEIGHT WIDTH LOSS STEPS WARMUP THREADS
LOSS: cross_entropy | official_recall. Prints one JSON line: {"ms_per_step": [...], "torch": "1.13..."}.
"""

import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "interop", "python"))
import recallkit_models  # noqa: E402


def official_recall_loss(input, target, n_classes, ignore_index=255):
    """The computation of RecallCrossEntropy.forward in PotatoTian/recall-semseg, ptsemseg/loss/recall_loss.py (commit
    5a1c35b), with its `.cuda()` replaced by the input's device. Kept as published, including its defects (counters start at
    1, the ignore label is mapped to class 1's count, the mean runs over ignored pixels too, and `weight[target]` fails on an
    ignore label), so the benchmark feeds it targets without ignored pixels."""
    pred = input.argmax(1)
    idex = (pred != target).view(-1)
    gt_counter = torch.ones((n_classes,), device=input.device)
    gt_idx, gt_count = torch.unique(target, return_counts=True)
    gt_count[gt_idx == ignore_index] = gt_count[1]
    gt_idx[gt_idx == ignore_index] = 1
    gt_counter[gt_idx] = gt_count.float()
    fn_counter = torch.ones((n_classes), device=input.device)
    fn = target.view(-1)[idex]
    fn_idx, fn_count = torch.unique(fn, return_counts=True)
    fn_count[fn_idx == ignore_index] = fn_count[1]
    fn_idx[fn_idx == ignore_index] = 1
    fn_counter[fn_idx] = fn_count.float()
    weight = fn_counter / gt_counter
    ce = F.cross_entropy(input, target, reduction="none", ignore_index=ignore_index)
    loss = weight[target] * ce
    return loss.mean()


def main():
    architecture, num_classes, batch, height, width, loss_kind = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    steps, warmup, threads = int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
    precision = sys.argv[10] if len(sys.argv) > 10 else "fp32"  # bf16: torch.autocast on the CPU, as RecallKit's precision = bf16
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = recallkit_models.create(architecture, num_classes)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    images = torch.randn(batch, 3, height, width)
    classification = architecture.startswith("resnet") or architecture in ("small_cnn",)
    target = torch.randint(0, num_classes, (batch,) if classification else (batch, height, width))
    times = []
    for step in range(warmup + steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
            logits = model(images)
        logits = logits.float()
        if loss_kind == "official_recall":
            loss = official_recall_loss(logits, target, num_classes)
        else:
            loss = F.cross_entropy(logits, target, ignore_index=255)
        loss.backward()
        optimizer.step()
        loss.item()  # RecallKit's step reads the loss back too (for the log and the non-finite check)
        if step >= warmup:
            times.append(1000 * (time.perf_counter() - start))
    print(json.dumps({"ms_per_step": times, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
