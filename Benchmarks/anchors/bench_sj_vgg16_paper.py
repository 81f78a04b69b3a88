#!/usr/bin/env python3
"""SpikingJelly's training and inference speed on the paper's reduced VGG16 (width 1/8).

The model is ../shared/anchors/sj_vgg16w8_model.py (direct coding: conv1 + BN1 once per image,
LIF tau 4/3, hard reset, ATan surrogate, max-pooling on spikes, readout at every step), trained
as snnc-bench's `vgg16-paper-w8` workload: batch 128, T = 5, random images x ~ U(0, 1) with
uniform labels, SGD (momentum 0.9, lr 0.01, weight decay 5e-4), cross-entropy of the logits
averaged over the steps. Prints one JSON object (images/s are medians over --iters timed
iterations after --warmup untimed ones).

    .venv-anchors/bin/python Benchmarks/anchors/bench_sj_vgg16_paper.py --threads 2
"""
import argparse
import importlib.util
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from spikingjelly.activation_based import functional


def load_model_module(path):
    spec = importlib.util.spec_from_file_location("sj_vgg16w8_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(warmup, iters, body):
    for _ in range(warmup):
        body()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return times


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_model = os.path.join(here, "..", "..", "..", "shared", "anchors", "sj_vgg16w8_model.py")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-file", default=os.environ.get("SNNC_SJ_MODEL", default_model))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--time-steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iters", type=int, default=10)
    args = parser.parse_args()
    if not os.path.exists(args.model_file):
        sys.exit(f"bench_sj_vgg16_paper: no model file at {args.model_file}; give --model-file")

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    module = load_model_module(args.model_file)
    model = module.VGG16W8(T=args.time_steps)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    images = torch.rand(args.batch, 1, 32, 32)
    labels = torch.randint(0, 10, (args.batch,))

    def train_step():
        model.train()
        functional.reset_net(model)
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(images).mean(0), labels)
        loss.backward()
        optimizer.step()

    def infer_step():
        model.eval()
        with torch.no_grad():
            functional.reset_net(model)
            model(images).mean(0).argmax(1)

    infer = timed(args.warmup, args.iters, infer_step)
    train = timed(args.warmup, args.iters, train_step)
    print(json.dumps({
        "model": "vgg16-paper-w8", "impl": "spikingjelly", "torch": torch.__version__,
        "batch": args.batch, "T": args.time_steps, "threads": args.threads,
        "train_img_s": args.batch / statistics.median(train),
        "infer_img_s": args.batch / statistics.median(infer),
        "train_s_med": statistics.median(train), "infer_s_med": statistics.median(infer),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "warmup": args.warmup, "iters": args.iters,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
