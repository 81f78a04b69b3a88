#!/usr/bin/env python3
"""Where oneDNN's time goes in one training step, from an ONEDNN_VERBOSE=1 log of snnc-bench.

Usage:
    ONEDNN_VERBOSE=1 snnc-bench vgg16-paper-w8 --warmup 1 --iters 1 --threads 1 > verbose.log
    Benchmarks/onednn-breakdown.py verbose.log

A training step is a run of oneDNN calls from a forward convolution of the model's first layer
(1 input channel) to the next one, holding at least one backward convolution; the last such
step is read (the measured one, after the warm-up), with the reorders just before its first
convolution. Reorders of activations (batch 128 or 640 = T·B) are split by direction (plain NCHW
into the kernels' blocked layout, or back) and by phase (after a forward or a backward
convolution); the rest are weight reorders.
"""
import collections
import re
import sys


def calls(path):
    """(primitive, kind or [src, dst] layouts, shape, milliseconds) per executed oneDNN call."""
    for line in open(path):
        if not line.startswith("onednn_verbose,exec"):
            continue
        f = line.strip().split(",")
        primitive, kind, formats, shape, ms = f[3], f[5], f[6], f[-2], float(f[-1])
        if primitive == "convolution":
            yield ("conv", kind, shape, ms)
        else:
            layouts = [m[1] for m in re.findall(r"(src|dst)_f32:\w*:\w+:(\w+)", formats)]
            yield ("reorder", layouts, shape, ms)


def last_training_step(seq):
    starts = [i for i, c in enumerate(seq) if c[0] == "conv" and c[1] == "forward_training" and "ic1oc" in c[2]]
    steps = []
    for k, a in enumerate(starts):
        b = starts[k + 1] if k + 1 < len(starts) else len(seq)
        if any(c[0] == "conv" and c[1] != "forward_training" for c in seq[a:b]):
            steps.append((a, b))
    if not steps:
        sys.exit("no training step in the log (run snnc-bench with ONEDNN_VERBOSE=1)")
    a, b = steps[-1]
    while a > 0 and seq[a - 1][0] == "reorder":
        a -= 1
    return seq[a:b]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    step = last_training_step(list(calls(sys.argv[1])))
    phase, times, total = "forward", collections.Counter(), 0.0
    for what, detail, shape, ms in step:
        if what == "conv":
            phase = "forward" if detail == "forward_training" else "backward"
            key = "convolution " + detail
        else:
            dims = shape.split("x")
            if len(dims) != 4 or dims[0] not in ("128", "640") or len(detail) != 2:
                key = "weight reorders"
            elif detail[0] == "abcd":
                key = f"activations NCHW -> blocked ({phase})"
            else:
                key = f"activations blocked -> NCHW ({phase})"
        times[key] += ms
        total += ms
    for key, ms in times.most_common():
        print(f"{key:42s} {ms:7.1f} ms {100 * ms / total:5.1f}%")
    print(f"{'oneDNN in the step':42s} {total:7.1f} ms")


if __name__ == "__main__":
    main()
