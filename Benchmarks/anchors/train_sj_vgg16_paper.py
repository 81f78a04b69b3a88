#!/usr/bin/env python3
"""Trains the paper's reduced VGG16 (width 1/8) in SpikingJelly on a Fashion-MNIST subset, as
`snnc train --model vgg16 --width 0.125 --dataset fmnist --bn-statistics pooled` does, to compare
wall time and accuracy epoch by epoch (issue 21).

Same data and recipe as snnc's defaults: Debian's Fashion-MNIST files, the training images whose
indices are in --indices (one per line; `snnc-bench subset-indices` writes snnc's stratified
subset), 28x28 zero-padded to 32x32, random crop (padding 4) and left-right flip, normalised with
mean 0.2860 / std 0.3530, batch 128 reshuffled every epoch, T = 5, SGD (momentum 0.9, lr 0.3,
no weight decay) with a cosine schedule over the epochs, cross-entropy of the logits averaged
over the steps; the full 10,000-image test set after every epoch. The model is
../shared/anchors/sj_vgg16w8_model.py (BN statistics over T*N, as snnc's `pooled`).
Prints one JSON line per epoch and a summary line with the total wall time.
"""
import argparse
import gzip
import importlib.util
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F
from spikingjelly.activation_based import functional

MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def prepare(images):
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    x = F.pad(x, (2, 2, 2, 2))
    return (x - MEAN) / STD


def augment(batch, generator):
    # Random crop with zero padding 4 (in normalised units, padding is the value of a 0 pixel)
    # and a left-right flip per image.
    n = batch.shape[0]
    zero = (0.0 - MEAN) / STD
    padded = F.pad(batch, (4, 4, 4, 4), value=zero)
    dy = torch.randint(0, 9, (n,), generator=generator)
    dx = torch.randint(0, 9, (n,), generator=generator)
    flip = torch.rand(n, generator=generator) < 0.5
    out = torch.empty_like(batch)
    for i in range(n):
        crop = padded[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32]
        out[i] = crop.flip(-1) if flip[i] else crop
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-file", default=os.path.join(here, "..", "..", "..", "shared", "anchors", "sj_vgg16w8_model.py"))
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--indices", required=True, help="training image indices, one per line")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.3)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    spec = importlib.util.spec_from_file_location("sj_vgg16w8_model", args.model_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.VGG16W8(T=5)

    indices = np.loadtxt(args.indices, dtype=np.int64)
    train_x = prepare(read_idx(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))[indices])
    train_y = torch.from_numpy(read_idx(os.path.join(args.data_dir, "train-labels-idx1-ubyte.gz"))[indices].astype(np.int64))
    test_x = prepare(read_idx(os.path.join(args.data_dir, "t10k-images-idx3-ubyte.gz")))
    test_y = torch.from_numpy(read_idx(os.path.join(args.data_dir, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))

    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    for epoch in range(args.epochs):
        epoch_start = time.perf_counter()
        model.train()
        order = torch.randperm(len(train_y), generator=generator)
        correct = 0
        for b in range(0, len(order), args.batch):
            idx = order[b:b + args.batch]
            x = augment(train_x[idx], generator)
            functional.reset_net(model)
            optimizer.zero_grad(set_to_none=True)
            logits = model(x).mean(0)
            loss = F.cross_entropy(logits, train_y[idx])
            loss.backward()
            optimizer.step()
            correct += (logits.argmax(1) == train_y[idx]).sum().item()
        scheduler.step()
        train_s = time.perf_counter() - epoch_start
        model.eval()
        test_correct = 0
        with torch.no_grad():
            for b in range(0, len(test_y), 500):
                functional.reset_net(model)
                test_correct += (model(test_x[b:b + 500]).mean(0).argmax(1) == test_y[b:b + 500]).sum().item()
        print(json.dumps({
            "epoch": epoch + 1, "train_accuracy": correct / len(train_y), "test_accuracy": test_correct / len(test_y),
            "train_s": train_s, "epoch_s": time.perf_counter() - epoch_start,
            "train_img_s": len(train_y) / train_s,
        }), flush=True)
    print(json.dumps({"total_wall_s": time.perf_counter() - start, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
