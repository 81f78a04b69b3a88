"""Run NeuroBench 2.3.0 on the SpikingJelly model of train_sj_vgg.py and compare with snnc.

NeuroBench measures the exported network (the "export twin": BN folded, max-pool as
AvgPool2d + IF) on the first --limit Fashion-MNIST test images, normalised (x/255 - 0.5)/0.5 as in
training. The network runs in SpikingJelly's single-step mode, T calls per image with the same
image, as NeuroBench runs a network once per step, so every connection layer (the first conv
included) is called T times.

What is NeuroBench's own code and what is added here:
  * Footprint, ConnectionSparsity, ParameterCount, ClassificationAccuracy, ActivationSparsity,
    ActivationSparsityByLayer, SynapticOperations, MembraneUpdates: NeuroBench's metric classes,
    run by its Benchmark. SpikingJelly's LIFNode is registered as an activation module
    (`add_activation_module`; NeuroBench knows snnTorch neurons and ReLU/Sigmoid only); the
    max-pool's IFNode is not, as snnc does not count a max-pool as a neuron layer.
  * MembraneUpdates reads membranes that NeuroBench's NeuronHook records only for snnTorch neurons
    (`layer.mem`). Two extra hooks per LIFNode put SpikingJelly's `v` before and after each call
    into the same NeuronHook lists (`pre_fire_mem_potential`, `post_fire_mem_potential`), so
    NeuroBench's own MembraneUpdates code counts them. SpikingJelly's `v` is the membrane after
    the hard reset.
  * SynapticOperations has no per-layer output. `SynapticOperationsByLayer` below calls the same
    function NeuroBench's metric calls (`single_layer_MACs`, effective and total=True) on the same
    hooked inputs, per connection layer; its sums equal NeuroBench's totals (checked).

snnc's figures come from `snnc simulate --json` on the same images (`--limit N`); layers are
matched in order (the k-th conv/linear, the k-th LIF).

Usage:
    python neurobench_compare.py --out-dir out --snnc-json out/simulate-w16.json --limit 10000 \
        --json results.json
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from spikingjelly.activation_based import functional, neuron

import neurobench
from neurobench.benchmarks import Benchmark
from neurobench.metrics.abstract.workload_metric import AccumulatedMetric
from neurobench.metrics.static import ConnectionSparsity, Footprint, ParameterCount
from neurobench.metrics.utils.layers import single_layer_MACs
from neurobench.metrics.workload import (ActivationSparsity, ActivationSparsityByLayer, ClassificationAccuracy,
                                         MembraneUpdates, SynapticOperations)
from neurobench.models import TorchModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_sj_vgg import DATA, export_twin, load, make_model  # noqa: E402


class StepLoop(nn.Module):
    """The network in single-step mode, called once per step on the same image; logits summed."""

    def __init__(self, net, steps):
        super().__init__()
        self.net = net
        self.steps = steps
        functional.set_step_mode(self.net, "s")

    def forward(self, x):
        functional.reset_net(self.net)
        out = 0
        for _ in range(self.steps):
            out = out + self.net(x)
        return out


class SynapticOperationsByLayer(AccumulatedMetric):
    """NeuroBench's SynapticOperations, kept per connection layer (in module order)."""

    def __init__(self):
        super().__init__(requires_hooks=True)
        self.reset()

    def reset(self):
        self.effective, self.dense, self.spiking, self.total_samples = {}, {}, {}, 0

    def __call__(self, model, preds, data):
        for index, hook in enumerate(model.connection_hooks):
            for inputs in hook.inputs:
                if len(inputs) == 1:
                    inputs = inputs[0]
                hook.hook.remove()  # the binary copies must not feed the hook (as NeuroBench does)
                ops, spiking = single_layer_MACs(inputs, hook.layer)
                dense, _ = single_layer_MACs(inputs, hook.layer, total=True)
                hook.register_hook()
                self.effective[index] = self.effective.get(index, 0) + ops
                self.dense[index] = self.dense.get(index, 0) + dense
                self.spiking.setdefault(index, set()).add(spiking)
        self.total_samples += data[0].size(0)
        return self.compute()

    def compute(self):
        n = max(self.total_samples, 1)
        return {i: {"kind": "AC" if self.spiking[i] == {True} else ("MAC" if self.spiking[i] == {False} else "mixed"),
                    "effective": self.effective[i] / n, "dense": self.dense[i] / n} for i in sorted(self.effective)}


def add_membrane_hooks(model):
    """Record SpikingJelly's v before and after each LIF call into NeuroBench's NeuronHook lists."""
    handles = []
    for hook in model.activation_hooks:
        layer = hook.layer

        def before(module, args, hook=hook):
            v = module.v
            hook.pre_fire_mem_potential.append(v.detach().clone() if torch.is_tensor(v) else torch.tensor(v))

        def after(module, args, output, hook=hook):
            hook.post_fire_mem_potential.append(module.v.detach().clone())

        handles.append(layer.register_forward_pre_hook(before))
        handles.append(layer.register_forward_hook(after))
    return handles


def relative(a, b):
    return None if b == 0 else (a - b) / b


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", required=True, help="train_sj_vgg.py's output folder (model.pt)")
    parser.add_argument("--snnc-json", required=True, help="snnc simulate --json output on the same images")
    parser.add_argument("--snnc-inspect-json", help="snnc inspect --json of the same deployment file (optional)")
    parser.add_argument("--data-dir", default=DATA)
    parser.add_argument("--limit", type=int, default=10000)
    parser.add_argument("--time-steps", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=250)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    trained = make_model()
    trained.load_state_dict(torch.load(os.path.join(args.out_dir, "model.pt")))
    trained.eval()
    twin = export_twin(trained)
    x, y = load("test", args.data_dir)
    x, y = x[: args.limit], y[: args.limit]

    model = TorchModel(StepLoop(twin, args.time_steps))
    model.add_activation_module(neuron.LIFNode)
    benchmark = Benchmark(
        model, DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=False), [],
        [lambda preds: preds.argmax(-1)],
        [[Footprint, ConnectionSparsity, ParameterCount],
         [ClassificationAccuracy, ActivationSparsity, ActivationSparsityByLayer, SynapticOperations, MembraneUpdates,
          SynapticOperationsByLayer]])
    add_membrane_hooks(model)
    start = time.time()
    with torch.no_grad():
        nb = benchmark.run(quiet=True)
    seconds = time.time() - start
    by_layer = nb.pop("SynapticOperationsByLayer")
    ops = nb["SynapticOperations"]
    sums = {"MAC": sum(v["effective"] for v in by_layer.values() if v["kind"] == "MAC"),
            "AC": sum(v["effective"] for v in by_layer.values() if v["kind"] == "AC"),
            "dense": sum(v["dense"] for v in by_layer.values())}
    assert abs(sums["MAC"] - ops["Effective_MACs"]) <= 1e-6 * max(1, ops["Effective_MACs"]), (sums, ops)
    assert abs(sums["AC"] - ops["Effective_ACs"]) <= 1e-6 * max(1, ops["Effective_ACs"]), (sums, ops)
    assert abs(sums["dense"] - ops["Dense"]) <= 1e-6 * max(1, ops["Dense"]), (sums, ops)

    with open(args.snnc_json) as f:
        snnc = json.load(f)
    s_nb = snnc["neurobench"]
    assert snnc["images"] == args.limit, f"snnc simulated {snnc['images']} images, NeuroBench {args.limit}"
    connection_names = [e["name"] for e in snnc["synaptic_events"] if e["name"] in s_nb["SynapticOperationsByLayer"]]
    lif_names = [s["name"] for s in snnc["spikes"] if s["name"] in s_nb["ActivationSparsityByLayer"]]
    sj_connections = [type(h.layer).__name__ for h in model.connection_hooks]
    assert len(connection_names) == len(by_layer), (connection_names, sj_connections)
    sj_lif_names = [h.name for h in model.activation_hooks]
    assert len(lif_names) == len(sj_lif_names), (lif_names, sj_lif_names)

    layers = []
    for index, name in enumerate(connection_names):
        mine = s_nb["SynapticOperationsByLayer"][name]
        kind = "MAC" if "Effective_MACs" in mine else "AC"
        effective = mine.get("Effective_MACs", mine.get("Effective_ACs"))
        theirs = by_layer[index]
        layers.append({
            "snnc_layer": name, "neurobench_module": sj_connections[index],
            "kind": {"neurobench": theirs["kind"], "snnc": kind},
            "effective": {"neurobench": theirs["effective"], "snnc": effective,
                          "relative_difference": relative(effective, theirs["effective"])},
            "dense": {"neurobench": theirs["dense"], "snnc": mine["Dense"],
                      "relative_difference": relative(mine["Dense"], theirs["dense"])},
        })
    sparsity_by_layer = [
        {"snnc_layer": name, "neurobench_module": sj_lif_names[i],
         "neurobench": nb["ActivationSparsityByLayer"][sj_lif_names[i]], "snnc": s_nb["ActivationSparsityByLayer"][name]}
        for i, name in enumerate(lif_names)]
    totals = {
        key: {"neurobench": theirs, "snnc": mine, "relative_difference": relative(mine, theirs)}
        for key, theirs, mine in [
            ("Effective_MACs", ops["Effective_MACs"], s_nb["SynapticOperations"]["Effective_MACs"]),
            ("Effective_ACs", ops["Effective_ACs"], s_nb["SynapticOperations"]["Effective_ACs"]),
            ("Dense", ops["Dense"], s_nb["SynapticOperations"]["Dense"]),
            ("ActivationSparsity", nb["ActivationSparsity"], s_nb["ActivationSparsity"]),
            ("MembraneUpdates", nb["MembraneUpdates"], s_nb["MembraneUpdates"]),
            ("Footprint", nb["Footprint"], s_nb["Footprint"]),
            ("ParameterCount", nb["ParameterCount"], s_nb["ParameterCount"]),
            ("ConnectionSparsity", nb["ConnectionSparsity"], s_nb["ConnectionSparsity"]),
        ]}
    totals["accuracy"] = {"neurobench": nb["ClassificationAccuracy"], "snnc": snnc.get("accuracy")}
    totals["snnc_neuron_updates"] = snnc.get("neuron_updates_per_image")
    worst = max(abs(l["effective"]["relative_difference"] or 0) for l in layers)
    result = {
        "images": args.limit, "first_images_of_test_set": True, "time_steps": args.time_steps,
        "versions": {"neurobench": getattr(neurobench, "__version__", "2.3.0"), "torch": torch.__version__,
                     "python": sys.version.split()[0], "numpy": np.__version__},
        "neurobench_seconds": round(seconds, 1), "snnc_file": snnc.get("file"), "snnc_target": (snnc.get("cost") or {}).get("target"),
        "totals": totals, "synaptic_operations_by_layer": layers, "activation_sparsity_by_layer": sparsity_by_layer,
        "max_relative_difference_effective_synops_per_layer": worst,
        "neurobench_raw": {k: v for k, v in nb.items()},
    }
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1, default=float)
    print(f"{args.limit} images, T = {args.time_steps}; NeuroBench ran {seconds:.0f} s")
    print(f"{'layer':<8} {'kind':<7} {'NeuroBench eff.':>16} {'snnc eff.':>14} {'rel. diff':>10} {'dense NB':>12} {'dense snnc':>12}")
    for l in layers:
        print(f"{l['snnc_layer']:<8} {l['kind']['neurobench'] + '/' + l['kind']['snnc']:<7} {l['effective']['neurobench']:>16.1f} "
              f"{l['effective']['snnc']:>14.1f} {100 * (l['effective']['relative_difference'] or 0):>9.3f}% "
              f"{l['dense']['neurobench']:>12.0f} {l['dense']['snnc']:>12.0f}")
    for key, value in totals.items():
        print(f"{key}: {value}")
    print(f"largest per-layer difference of effective SynOps: {100 * worst:.3f}%")


if __name__ == "__main__":
    main()
