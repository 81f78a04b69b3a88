"""Train a SpikingJelly VGG-style SNN on Fashion-MNIST, test it on all 10,000 test images, export it to NIR.

Model (VGG-style, max-pooling, 28x28 input, T steps of the same image):
    [conv3x3 8 - BN - LIF] x2 - maxpool 2 - [conv3x3 16 - BN - LIF] x2 - maxpool 2
    - [conv3x3 32 - BN - LIF] x2 - maxpool 2 - flatten - linear 288 -> 10
LIFNode(tau=2, decay_input=True, v_threshold=1, v_reset=0: hard reset, ATan surrogate), multi-step.
Prediction = argmax of the readout summed over the steps.

Inputs: the usual (x/255 - 0.5)/0.5, computed in float32 in the order snnc uses
((byte / 255 - mean) / std), so `snnc import --normalize 0.5,0.5` gives the same float images.

SpikingJelly's NIR exporter (spikingjelly 2.0.0, `export_to_nir`) maps neither BatchNorm nor
MaxPool2d, so the exported network is an "export twin" of the trained one, built here and tested
in SpikingJelly on the full test set as well:
  * BatchNorm (eval mode, running statistics) folded into the conv before it:
    w * g / sqrt(var + eps), (b - mean) * g / sqrt(var + eps) + beta;
  * MaxPool2d(2) on spikes as AvgPool2d(2) followed by IFNode(v_threshold = 0.5 / 4, v_reset = 0):
    on binary spikes the window mean is n/4, so the IF fires exactly when a window holds a spike
    and is back at 0 after every step (max-pooling). The exporter writes this as AvgPool2d + IF;
    the script then swaps each such AvgPool2d node for a SumPool2d with the same kernel, stride and
    padding (the IF threshold 0.125 is then below the window sum n >= 1, the same spikes), the pair
    snnc reads as max-pooling (docs/NIR.md, "Max-pooling").

Usage:
    python train_sj_vgg.py --out-dir out [--epochs 2] [--train-subset 60000] [--time-steps 4]
    python train_sj_vgg.py --out-dir out --export-only [--keep-avgpool]    # export out/model.pt again
Writes out/model.pt (the trained network's state dict), out/sj.nir (the export),
out/sj-predictions.npy (the twin's test predictions) and out/train.json (accuracies, times).
"""
import argparse
import gzip
import json
import os
import time

import nir
import numpy as np
import torch
import torch.nn as nn
from spikingjelly.activation_based import functional, layer, neuron, surrogate
from spikingjelly.activation_based.nir_exchange import export_to_nir

DATA = "/usr/share/datasets/fashion-mnist"
CFG = [8, 8, "M", 16, 16, "M", 32, 32, "M"]
MEAN, STD = 0.5, 0.5


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split, directory):
    """Images normalised as snnc does, [N, 1, 28, 28] float32, and labels."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"))
    x = (images.astype(np.float32) / np.float32(255) - np.float32(MEAN)) / np.float32(STD)
    return torch.from_numpy(x[:, None, :, :].copy()), torch.from_numpy(labels.astype(np.int64))


def lif():
    return neuron.LIFNode(tau=2.0, decay_input=True, v_threshold=1.0, v_reset=0.0,
                          detach_reset=True, surrogate_function=surrogate.ATan(), step_mode="m")


def make_model(cfg=CFG, size=28):
    """The trained network: conv - BN - LIF blocks, max-pooling, a linear readout."""
    modules, channels = [], 1
    for v in cfg:
        if v == "M":
            modules.append(layer.MaxPool2d(2, 2, step_mode="m"))
            size //= 2
        else:
            modules += [layer.Conv2d(channels, v, 3, padding=1, step_mode="m"),
                        layer.BatchNorm2d(v, step_mode="m"), lif()]
            channels = v
    modules += [layer.Flatten(step_mode="m"), layer.Linear(channels * size * size, 10, step_mode="m")]
    return nn.Sequential(*modules)


def export_twin(net):
    """The same network in modules SpikingJelly's exporter maps (see the module docstring)."""
    modules, items, i = [], list(net), 0
    while i < len(items):
        m = items[i]
        if isinstance(m, layer.Conv2d) and i + 1 < len(items) and isinstance(items[i + 1], layer.BatchNorm2d):
            bn = items[i + 1]
            scale = bn.weight.detach().double() / torch.sqrt(bn.running_var.double() + bn.eps)
            conv = layer.Conv2d(m.in_channels, m.out_channels, m.kernel_size, stride=m.stride,
                                padding=m.padding, bias=True, step_mode="m")
            with torch.no_grad():
                conv.weight.copy_((m.weight.double() * scale[:, None, None, None]).float())
                bias = m.bias.double() if m.bias is not None else torch.zeros_like(scale)
                conv.bias.copy_(((bias - bn.running_mean.double()) * scale + bn.bias.double()).float())
            modules.append(conv)
            i += 2
            continue
        if isinstance(m, layer.MaxPool2d):
            k = m.kernel_size if isinstance(m.kernel_size, int) else m.kernel_size[0]
            modules += [layer.AvgPool2d(k, k, step_mode="m"),
                        neuron.IFNode(v_threshold=0.5 / (k * k), v_reset=0.0, step_mode="m")]
        else:
            modules.append(m)
        i += 1
    return nn.Sequential(*modules)


def forward(net, x, steps):
    functional.reset_net(net)
    return net(x.unsqueeze(0).repeat(steps, 1, 1, 1, 1)).sum(0)  # [B, 10]


def predict(net, x, steps, batch=500):
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out.append(forward(net, x[i: i + batch], steps).argmax(1))
    return torch.cat(out)


def avgpool_to_sumpool(graph):
    """Swap every AvgPool2d that feeds one IF (the twin's max-pool) for a SumPool2d."""
    swapped = []
    for name, node in list(graph.nodes.items()):
        if not isinstance(node, nir.AvgPool2d):
            continue
        consumers = [d for s, d in graph.edges if s == name]
        if len(consumers) == 1 and isinstance(graph.nodes[consumers[0]], nir.IF):
            graph.nodes[name] = nir.SumPool2d(kernel_size=node.kernel_size, stride=node.stride,
                                              padding=node.padding)
            swapped.append(name)
    return swapped


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--data-dir", default=DATA)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--train-subset", type=int, default=60000)
    parser.add_argument("--time-steps", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--export-only", action="store_true",
                        help="load out-dir/model.pt instead of training, test and export it")
    parser.add_argument("--keep-avgpool", action="store_true",
                        help="write the exporter's AvgPool2d + IF as they are (sj-avgpool.nir; snnc reads both)")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_x, train_y = load("train", args.data_dir)
    test_x, test_y = load("test", args.data_dir)
    generator = torch.Generator().manual_seed(args.seed)
    subset = torch.randperm(len(train_y), generator=generator)[: args.train_subset]
    train_x, train_y = train_x[subset], train_y[subset]

    net = make_model()
    if args.export_only:
        net.load_state_dict(torch.load(os.path.join(args.out_dir, "model.pt")))
        args.epochs = 0
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    batches = (len(train_y) + args.batch_size - 1) // args.batch_size
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * batches)
    start = time.time()
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(len(train_y), generator=generator)
        for b, i in enumerate(range(0, len(order), args.batch_size)):
            batch = order[i: i + args.batch_size]
            logits = forward(net, train_x[batch], args.time_steps) / args.time_steps
            loss = nn.functional.cross_entropy(logits, train_y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            if b % 100 == 0:
                seen = epoch * len(order) + i + len(batch)
                print(f"epoch {epoch + 1} batch {b}/{batches} loss {loss.item():.4f} "
                      f"({time.time() - start:.0f} s, {seen / (time.time() - start):.0f} img/s)", flush=True)
        torch.save(net.state_dict(), os.path.join(args.out_dir, "model.pt"))
    net.eval()
    train_seconds = time.time() - start

    trained = predict(net, test_x, args.time_steps)
    twin = export_twin(net)
    twin_predictions = predict(twin, test_x, args.time_steps)
    functional.reset_net(twin)
    example = torch.zeros(args.time_steps, 1, 1, 28, 28)
    graph = export_to_nir(twin, example)  # dt = 1e-4 s (the exporter's default)
    swapped = [] if args.keep_avgpool else avgpool_to_sumpool(graph)
    suffix = "-avgpool" if args.keep_avgpool else ""
    nir.write(os.path.join(args.out_dir, f"sj{suffix}.nir"), graph)
    np.save(os.path.join(args.out_dir, f"sj{suffix}-predictions.npy"), twin_predictions.numpy().astype(np.int64))
    result = {
        "tool": "spikingjelly", "test_images": len(test_y),
        "test_accuracy_trained": (trained == test_y).float().mean().item(),
        "test_accuracy_export_twin": (twin_predictions == test_y).float().mean().item(),
        "twin_agrees_with_trained": (twin_predictions == trained).float().mean().item(),
        "epochs": args.epochs, "train_images": len(train_y), "time_steps": args.time_steps,
        "batch_size": args.batch_size, "lr": args.lr, "seed": args.seed, "cfg": CFG,
        "normalize": [MEAN, STD], "avgpool_swapped_for_sumpool": swapped,
        "train_seconds": round(train_seconds, 1), "seconds": round(time.time() - start, 1),
        "versions": {"torch": torch.__version__, "spikingjelly": "2.0.0", "nir": nir.__version__
                     if hasattr(nir, "__version__") else "?"},
    }
    with open(os.path.join(args.out_dir, f"train{suffix}.json" if not args.export_only else f"export{suffix}.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
