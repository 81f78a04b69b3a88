"""Train a small SpikingJelly SNN on Fashion-MNIST, record its test accuracy, export it to NIR.

The model is made to be imported by `snnc import` (see README.md in this folder):
    conv 3x3 (1->8, pad 1) - LIF - avgpool 2 - conv 3x3 (8->16, pad 1) - LIF - avgpool 2
    - flatten - linear (784 -> 10)
LIFNode(tau=2, decay_input=True, v_reset=0, hard reset, ATan surrogate), multi-step mode,
T steps of the same image (the engine's direct coding gives identical results: the first conv
sees the same image at every step). Prediction = argmax of the readout summed over steps.

Images are normalised exactly as snnc's SNNData does, in float32:
(byte / 255 - 0.2860) / 0.3530.

Usage:
    python train_spikingjelly.py --out model.nir [--epochs 2] [--train-subset 20000] [--time-steps 4]
Prints one JSON line with the test accuracy (full 10,000-image test set) and writes
model.nir (NIR, dt = 1e-4 s as SpikingJelly's exporter defaults to) and predictions.npy.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
from spikingjelly.activation_based import functional, layer, neuron, surrogate
from spikingjelly.activation_based.nir_exchange import export_to_nir

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split, directory):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"))
    x = (images.astype(np.float32) / np.float32(255) - np.float32(0.2860)) / np.float32(0.3530)
    return torch.from_numpy(x[:, None, :, :].copy()), torch.from_numpy(labels.astype(np.int64))


def make_model():
    def lif():
        return neuron.LIFNode(tau=2.0, decay_input=True, v_threshold=1.0, v_reset=0.0,
                              detach_reset=True, surrogate_function=surrogate.ATan(), step_mode="m")
    net = nn.Sequential(
        layer.Conv2d(1, 8, 3, padding=1, step_mode="m"), lif(), layer.AvgPool2d(2, 2, step_mode="m"),
        layer.Conv2d(8, 16, 3, padding=1, step_mode="m"), lif(), layer.AvgPool2d(2, 2, step_mode="m"),
        layer.Flatten(step_mode="m"), layer.Linear(16 * 7 * 7, 10, step_mode="m"),
    )
    return net


def forward(net, x, steps):
    functional.reset_net(net)
    out = net(x.unsqueeze(0).repeat(steps, 1, 1, 1, 1))  # [T, B, 10]
    return out.sum(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--data-dir", default=DATA)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--train-subset", type=int, default=20000)
    parser.add_argument("--time-steps", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    train_x, train_y = load("train", args.data_dir)
    test_x, test_y = load("test", args.data_dir)
    generator = torch.Generator().manual_seed(args.seed)
    subset = torch.randperm(len(train_y), generator=generator)[: args.train_subset]
    train_x, train_y = train_x[subset], train_y[subset]

    net = make_model()
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-3)
    start = time.time()
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(len(train_y), generator=generator)
        for i in range(0, len(order), 64):
            batch = order[i: i + 64]
            logits = forward(net, train_x[batch], args.time_steps) / args.time_steps
            loss = nn.functional.cross_entropy(logits, train_y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch + 1}: last batch loss {loss.item():.4f} ({time.time() - start:.0f} s)", flush=True)

    net.eval()
    predictions = []
    with torch.no_grad():
        for i in range(0, len(test_y), 500):
            predictions.append(forward(net, test_x[i: i + 500], args.time_steps).argmax(1))
    predictions = torch.cat(predictions)
    accuracy = (predictions == test_y).float().mean().item()
    functional.reset_net(net)
    example = torch.zeros(args.time_steps, 1, 1, 28, 28)
    export_to_nir(net, example, save_path=args.out)  # dt = 1e-4 s (the exporter's default)
    np.save(os.path.splitext(args.out)[0] + "-predictions.npy", predictions.numpy().astype(np.int64))
    print(json.dumps({"tool": "spikingjelly", "test_images": len(test_y), "test_accuracy": accuracy,
                      "epochs": args.epochs, "train_images": len(train_y), "time_steps": args.time_steps,
                      "seconds": round(time.time() - start, 1)}))


if __name__ == "__main__":
    main()
