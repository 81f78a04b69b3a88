#!/usr/bin/env python3
"""Run the NIR files snnc writes in external NIR readers and compare predictions with snnc.

Readers: snnTorch (`snntorch.import_nir.import_from_nir`'s node builders), Sinabs
(`sinabs.from_nir`'s) and Norse (`norse.torch.from_nir`'s), each through nirtorch.nir_to_torch. Each needs a few conventions applied to the graph or to the modules it
builds; every one is listed in the results (`patches`) and explained in docs/NIR.md
("Running snnc's NIR in other tools") and experiments/nir-out/README.md.

Inputs (same as snnc): the data set's test images, x/255 then (x - mean)/std in float32
(mean/std from the deployment file's /snnc/input/preprocessing, Fashion-MNIST 0.2860/0.3530),
zero padded to the NIR Input shape, presented at every one of T steps (direct coding);
prediction = argmax of the readout summed over the steps.
- float NIR (`snnc export --format nir`) vs `snnc evaluate --inputs` on exactly these images;
- the deployment file's NIR root vs `snnc simulate --trace` (the integer pipeline). The root's
  weights are the deployed integers; its input is the image quantised to the encoder's input
  scale, q_x * s with q_x = clamp(round(x / s), -(2^(b-1)-1), 2^(b-1)-1) (/snnc/input attrs).

Not in CI: needs torch, snntorch, sinabs, norse (experiments/nir-out/README.md has the commands).
"""
import argparse
import copy
import gzip
import json
import os
import subprocess
import sys
import time
import types

import h5py
import numpy as np

# sinabs imports `samna` (SynSense's chip SDK) when present; the PyPI `samna` package installed with
# sinabs tries to reach an outside package index on import. It is not needed here: block it.
sys.modules.setdefault("samna", types.ModuleType("samna"))

import nir  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(2)


# ----------------------------------------------------------------------------- data

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_images(data_dir, limit, mean, std, shape):
    """snnc's inputs: pad the bytes with 0 (so the border is -mean/std, not 0), then
    (x/255 - mean)/std in float32 (SNNData/Normalization.swift)."""
    raw = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))[:limit]
    labels = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz"))[:limit].astype(np.int64)
    c, h, w = shape
    ph, pw = (h - raw.shape[1]) // 2, (w - raw.shape[2]) // 2
    padded = np.zeros((raw.shape[0], c, h, w), dtype=np.uint8)
    padded[:, 0, ph:ph + raw.shape[1], pw:pw + raw.shape[2]] = raw
    x = padded.astype(np.float32) / np.float32(255)
    return (x - np.float32(mean)) / np.float32(std), labels


# ----------------------------------------------------------------------------- graph helpers

def scalar(a, node, field):
    a = np.asarray(a)
    u = np.unique(a)
    if u.size != 1:
        raise ValueError(f"node {node}: field {field} is not uniform ({u.size} values)")
    return float(u[0])


def graph_nodes(g):
    return [(k, n) for k, n in g.nodes.items()]


def topological(g, patches):
    """nirtorch 2.0.2's interpreter walks the nodes in dict order and re-queues a node whose inputs
    are not built yet at most 3 times; nir.read returns the nodes in HDF5 name order (conv1,
    conv10, conv11, …), so a deep graph fails with "Module conv10 has been traversed multiple
    times". Reorder the nodes along the edges."""
    succ = {k: [] for k in g.nodes}
    indeg = {k: 0 for k in g.nodes}
    for a, b in g.edges:
        succ[a].append(b)
        indeg[b] += 1
    ready = [k for k in g.nodes if indeg[k] == 0]
    order = []
    while ready:
        k = ready.pop(0)
        order.append(k)
        for b in succ[k]:
            indeg[b] -= 1
            if indeg[b] == 0:
                ready.append(b)
    assert len(order) == len(g.nodes), "cycle"
    if order != list(g.nodes):
        g.nodes = {k: g.nodes[k] for k in order}
        patches.append("nodes reordered along the edges (nirtorch.nir_to_torch re-queues an unready node at most "
                       "3 times; nir.read gives HDF5 name order conv1, conv10, …)")
    return g


def python_ints(g):
    """nir.read gives Conv2d stride/padding/dilation/groups as numpy int64; torch's conv2d refuses
    numpy integers at run time."""
    for _, n in graph_nodes(g):
        if isinstance(n, nir.Conv2d):
            n.stride = tuple(int(v) for v in np.ravel(n.stride))
            n.dilation = tuple(int(v) for v in np.ravel(n.dilation))
            n.groups = int(n.groups)
            if not isinstance(n.padding, str):
                n.padding = tuple(int(v) for v in np.ravel(n.padding))
    return g


def without_dots(g, patches):
    """nirtorch.nir_to_torch names a torch module after each NIR node, and torch refuses '.' in
    module names (snnc writes the fire stage of a max pool as '<pool>.fire'): rename to '_'."""
    if any("." in k for k in g.nodes):
        g.nodes = {k.replace(".", "_"): n for k, n in g.nodes.items()}
        g.edges = [(a.replace(".", "_"), b.replace(".", "_")) for a, b in g.edges]
        patches.append("node names: '.' -> '_' (nirtorch.nir_to_torch makes torch modules named after the "
                       "nodes; torch rejects '.', e.g. 'pool1.fire')")
    return g


# ----------------------------------------------------------------------------- snnTorch

SNNTORCH_DT = 1e-4  # snntorch/import_nir.py fixes dt = 1e-4 s for LIF and CubaLIF


def build_snntorch(graph, patches):
    import nirtorch
    import snntorch as snn
    import snntorch.import_nir as si

    g = copy.deepcopy(graph)
    for name, n in graph_nodes(g):
        if isinstance(n, nir.LIF):
            # snnTorch reads tau in seconds with dt = 1e-4 s (beta = 1 - dt/tau, threshold divided
            # by r*dt/tau); snnc writes tau in steps (dt = 1).
            n.tau = np.asarray(n.tau, dtype=np.float64) * SNNTORCH_DT
        if isinstance(n, nir.IF):
            assert scalar(n.r, name, "r") == 1.0
    patches.append("LIF tau *= 1e-4 (snnTorch's importer fixes dt = 1e-4 s; snnc's tau is in steps)")

    def sumpool(n):
        # not in snnTorch's node map: a sum pool is an average pool without the divisor
        return torch.nn.AvgPool2d(tuple(n.kernel_size), tuple(n.stride), tuple(n.padding), divisor_override=1)

    patches.append("SumPool2d -> torch AvgPool2d(divisor_override=1) (snnTorch's node map has no SumPool2d)")
    make = lambda n: si._nir_to_snntorch_module(n, init_hidden=True)  # noqa: E731
    node_map = {t: make for t in (nir.Affine, nir.Linear, nir.Conv2d, nir.Flatten, nir.AvgPool2d,
                                  nir.IF, nir.LIF, nir.CubaLIF)}
    node_map[nir.SumPool2d] = sumpool

    def if_neuron(n):
        # snnTorch's IF builder makes Leaky(beta=0.9, init_hidden=False) with the default subtract
        # reset: it returns (spk, mem), which the next node cannot take, leaks (IF does not), and keeps
        # v - threshold after a spike. NIR's IF (dt = 1): v = v + r*I, hard reset to v_reset = 0.
        thr = scalar(n.v_threshold, "IF", "v_threshold") * scalar(n.r, "IF", "r")
        return snn.Leaky(beta=1.0, threshold=thr, reset_mechanism="zero", init_hidden=True, reset_delay=False)

    node_map[nir.IF] = if_neuron
    patches.append("IF -> snn.Leaky(beta=1, threshold=r*v_threshold, reset 'zero', init_hidden=True) (snnTorch's "
                   "IF builder: Leaky(beta=0.9, init_hidden=False, subtract reset), whose (spk, mem) output breaks the graph)")
    # Flatten(start_dim=0): snnTorch builds torch.nn.Flatten(0, -1), which also flattens a batch
    # dimension; NIR's dims exclude the batch. Shift to 1 so that batches run.
    for name, n in graph_nodes(g):
        if isinstance(n, nir.Flatten) and n.start_dim >= 0:
            n.start_dim = n.start_dim + 1
            if n.end_dim >= 0:
                n.end_dim = n.end_dim + 1
    patches.append("Flatten start_dim += 1 (snnTorch passes NIR's dims to torch.nn.Flatten unchanged, "
                   "so start_dim 0 would flatten the batch)")
    g = python_ints(topological(without_dots(g, patches), patches))
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):  # its per-node "[warning] scaling weights" prints
        net = nirtorch.nir_to_torch(g, node_map)
    return net


def run_snntorch(net, images, T, batch):
    import snntorch.utils
    outs = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = torch.from_numpy(images[i:i + batch])
            snntorch.utils.reset(net)
            for m in net.modules():  # Leaky with init_hidden keeps its membrane across calls
                if hasattr(m, "reset_hidden"):
                    m.reset_hidden()
            acc = None
            for _ in range(T):
                y = net(x)
                if isinstance(y, tuple):
                    y = y[0]
                acc = y.clone() if acc is None else acc + y
            outs.append(acc.numpy())
    return np.concatenate(outs)


# ----------------------------------------------------------------------------- Sinabs

def build_sinabs(graph, T, batch, patches):
    import sinabs
    import sinabs.layers as sl
    from sinabs.activation import MembraneReset, SingleSpike

    g = copy.deepcopy(graph)
    lif = {}
    for name, n in graph_nodes(g):
        if isinstance(n, nir.LIF):
            tau, r, th = scalar(n.tau, name, "tau"), scalar(n.r, name, "r"), scalar(n.v_threshold, name, "v_threshold")
            assert scalar(n.v_leak, name, "v_leak") == 0 and scalar(n.v_reset, name, "v_reset") == 0
            lif[name] = (tau, r, th)
            # sinabs' LIF import tests `any(node.v_leak) != 0`, which fails on arrays of rank > 1
            n.tau = np.array([tau], dtype=np.float32)
            n.v_leak = np.zeros(1, dtype=np.float32)
            n.v_threshold = np.array([th], dtype=np.float32)
            n.r = np.array([r], dtype=np.float32)
        if isinstance(n, nir.IF):
            assert scalar(n.r, name, "r") == 1.0 and scalar(n.v_reset, name, "v_reset") == 0
            n.v_threshold = np.array([scalar(n.v_threshold, name, "v_threshold")], dtype=np.float32)
    patches.append("LIF/IF parameters reduced to one value per node (sinabs' `any(v_leak)` fails on (C,H,W) arrays)")
    # sinabs.from_nir goes through the deprecated nirtorch.load, which rebuilds a nir.NIRGraph of torch
    # modules; nir >= 1.0.5 type-checks that graph and fails ("'Identity' object has no attribute
    # 'input_type'"), and nir <= 1.0.4 (sinabs' pin) cannot read the v_reset field snnc writes.
    # Use sinabs' own node builder through nirtorch's current entry point instead.
    import functools
    import nirtorch
    from sinabs.nir import _import_sinabs_module
    g = python_ints(topological(without_dots(g, patches), patches))
    build = functools.partial(_import_sinabs_module, batch_size=batch, num_timesteps=T)
    node_map = {t: build for t in (nir.Affine, nir.Conv2d, nir.IF, nir.LIF, nir.SumPool2d, nir.Flatten)}
    if any(isinstance(n, nir.AvgPool2d) for n in g.nodes.values()):
        # sinabs maps no AvgPool2d (snnc's --pool avg); a plain torch average pool (divisor kH*kW,
        # padding counted, as snnc) runs per (batch*time) frame like the other layers
        node_map[nir.AvgPool2d] = lambda n: torch.nn.AvgPool2d(
            tuple(int(v) for v in n.kernel_size), tuple(int(v) for v in n.stride), tuple(int(v) for v in n.padding))
        patches.append("AvgPool2d -> torch.nn.AvgPool2d (sinabs' node builder has no AvgPool2d: "
                       "'Unknown node type AvgPool2d')")
    net = nirtorch.nir_to_torch(g, node_map)
    patches.append("built with sinabs.nir._import_sinabs_module through nirtorch.nir_to_torch: sinabs.from_nir "
                   "(nirtorch.load) fails with nir 1.0.8, and sinabs' pin nir <= 1.0.4 cannot read LIF/IF v_reset")
    mods = dict(net.named_modules())
    for name, (tau, r, th) in lif.items():
        m = find_module(mods, name.replace(".", "_"))
        assert isinstance(m, sl.LIFSqueeze), (name, type(m))
        # sinabs: v = alpha*v + I (norm_input False), alpha = exp(-1/tau_mem), r ignored.
        # NIR / snnc (forward Euler, dt = 1 step): v = (1 - 1/tau)*v + (r/tau)*I.
        # Same dynamics with sinabs' v = (tau/r)*v_nir: alpha = 1 - 1/tau, threshold tau*th/r.
        m.train_alphas = True
        m.alpha_syn = None
        m.alpha_mem = torch.nn.Parameter(torch.tensor(1.0 - 1.0 / np.float64(tau), dtype=torch.float32),
                                         requires_grad=False)
        m.spike_threshold = torch.nn.Parameter(torch.tensor(np.float64(tau) * th / r, dtype=torch.float32),
                                               requires_grad=False)
        m.spike_fn, m.reset_fn = SingleSpike, MembraneReset()
    for name, n in graph_nodes(g):
        if isinstance(n, nir.IF):
            m = find_module(mods, name)  # g's names are already without dots
            assert isinstance(m, sl.IAFSqueeze), (name, type(m))
            m.spike_fn, m.reset_fn = SingleSpike, MembraneReset()
    patches.append("LIF: alpha_mem = 1 - 1/tau (sinabs: exp(-1/tau)), spike_threshold = tau*v_threshold/r "
                   "(sinabs: v = alpha*v + I, ignores r)")
    patches.append("LIF and IF: spike_fn = SingleSpike, reset_fn = MembraneReset() (from_nir leaves sinabs' "
                   "defaults MultiSpike + MembraneSubtract; NIR and snnc: one spike, reset to v_reset = 0)")
    return net


def find_module(mods, name):
    for key in (name, name.replace(".", "_")):
        if key in mods:
            return mods[key]
    hits = [m for k, m in mods.items() if k.endswith(name) or k.endswith(name.replace(".", "_"))]
    if len(hits) == 1:
        return hits[0]
    raise KeyError(f"no module for NIR node {name}: {sorted(mods)[:20]}")


def run_sinabs(net, images, T, batch):
    import sinabs
    outs = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = torch.from_numpy(images[i:i + batch])
            b = x.shape[0]
            if b != batch:  # the Squeeze layers are built for one batch size
                x = torch.cat([x, torch.zeros((batch - b,) + tuple(x.shape[1:]))])
            sinabs.reset_states(net)
            xt = x.unsqueeze(1).expand(batch, T, *x.shape[1:]).reshape(batch * T, *x.shape[1:])
            y = net(xt)
            if isinstance(y, tuple):
                y = y[0]
            outs.append(y.reshape(batch, T, -1).sum(1)[:b].numpy())
    return np.concatenate(outs)


# ----------------------------------------------------------------------------- Norse

def build_norse(graph, patches):
    import functools
    import nirtorch
    from norse.torch.utils.import_nir import _import_norse_module

    g = copy.deepcopy(graph)
    for name, n in graph_nodes(g):
        if isinstance(n, nir.LIF):
            # Norse's LIFBox: v += dt/tau * (i + v_leak - v), ignores r; NIR: v += dt/tau * (r*i + v_leak - v).
            # Same dynamics with v_norse = v/r: threshold and v_leak divided by r.
            r = np.asarray(n.r, dtype=np.float64)
            n.v_threshold = (np.asarray(n.v_threshold, dtype=np.float64) / r).astype(np.float32)
            n.v_leak = (np.asarray(n.v_leak, dtype=np.float64) / r).astype(np.float32)
            assert scalar(n.v_reset, name, "v_reset") == 0
        if isinstance(n, nir.IF):
            assert scalar(n.r, name, "r") == 1.0 and scalar(n.v_reset, name, "v_reset") == 0
        if isinstance(n, nir.Flatten) and n.start_dim >= 0:
            n.start_dim += 1
            if n.end_dim >= 0:
                n.end_dim += 1
    patches.append("LIF v_threshold and v_leak divided by r (Norse's LIFBox ignores r)")
    patches.append("Flatten start_dim += 1 (Norse passes NIR's dims to torch.nn.Flatten unchanged)")
    g = python_ints(topological(without_dots(g, patches), patches))
    build = functools.partial(_import_norse_module, dt=1.0, ignore_warnings=True)
    patches.append("dt = 1 (from_nir's dt argument; its default 0.001 s): snnc's times are in steps")
    node_map = {t: build for t in (nir.Affine, nir.Conv2d, nir.IF, nir.LIF, nir.SumPool2d, nir.Flatten)}
    if any(isinstance(n, nir.AvgPool2d) for n in g.nodes.values()):
        node_map[nir.AvgPool2d] = lambda n: torch.nn.AvgPool2d(
            tuple(int(v) for v in n.kernel_size), tuple(int(v) for v in n.stride), tuple(int(v) for v in n.padding))
        patches.append("AvgPool2d -> torch.nn.AvgPool2d (Norse's node builder has no AvgPool2d)")
    patches.append("built with norse's _import_norse_module through nirtorch.nir_to_torch: norse.torch.from_nir "
                   "uses the deprecated nirtorch.load, which fails with nir 1.0.8")
    return nirtorch.nir_to_torch(g, node_map)


def run_norse(net, images, T, batch):
    outs = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = torch.from_numpy(images[i:i + batch])
            # A fresh state per batch: the generated forward's default state is one dict that
            # nirtorch fills in place, so calling net(x) without a state carries the last batch's
            # membranes into the next one.
            state, acc = {k: None for k, _ in net.named_children()}, None
            for _ in range(T):
                y, state = net(x, state)
                acc = y.clone() if acc is None else acc + y
            outs.append(acc.numpy())
    return np.concatenate(outs)


# ----------------------------------------------------------------------------- snnc references

def snnc_float_logits(snnc, model, images, work, chunk=250):
    # --outputs holds every node's values per step: a few hundred images per call
    sums = []
    for i in range(0, len(images), chunk):
        inp, out = os.path.join(work, "images.h5"), os.path.join(work, "evaluate-values.h5")
        with h5py.File(inp, "w") as f:
            f["images"] = images[i:i + chunk]
        subprocess.run([snnc, "evaluate", model, "--inputs", inp, "--outputs", out, "--force"], check=True,
                       stdout=subprocess.DEVNULL)
        with h5py.File(out, "r") as f:
            sums.append(f["logits"][()].sum(0))  # [T, N, K] -> [N, K]
        os.remove(out)
    return np.concatenate(sums)


def snnc_simulate(snnc, deploy, data_dir, limit, work):
    trace = os.path.join(work, "simulate-trace.h5")
    if os.path.exists(trace):
        os.remove(trace)
    subprocess.run([snnc, "simulate", deploy, "--data-dir", data_dir, "--limit", str(limit), "--trace", trace],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with h5py.File(trace, "r") as f:
        return f["predictions"][()], (f["labels"][()] if "labels" in f else None)


def quantised_input(deploy, images):
    with h5py.File(deploy, "r") as f:
        a = f["snnc/input"].attrs
        s, bits = float(a["scale"]), int(a["bits"])
    qmax = 2 ** (bits - 1) - 1
    x = images.astype(np.float64)
    q = np.clip(np.sign(x) * np.floor(np.abs(x) / s + 0.5), -qmax, qmax)  # round half away from zero, as snnc
    return (q * s).astype(np.float32), s, bits


def preprocessing(deploy):
    with h5py.File(deploy, "r") as f:
        g = f["snnc/input/preprocessing"] if "snnc/input/preprocessing" in f else None
        if g is None:
            return 0.2860, 0.3530
        a = dict(g.attrs)
        keys = {k: (g[k][()] if k in g else a.get(k)) for k in ("mean", "std")}
        return float(np.ravel(keys["mean"])[0]), float(np.ravel(keys["std"])[0])


# ----------------------------------------------------------------------------- main

def compare(name, logits, ref_pred, labels):
    pred = logits.argmax(1)  # lowest index on ties, as snnc
    return {"reader": name, "agree": int((pred == ref_pred).sum()), "images": int(len(pred)),
            "correct": int((pred == labels).sum()), "disagreeing_images": np.nonzero(pred != ref_pred)[0].tolist()[:20]}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--snnc", required=True)
    p.add_argument("--model", required=True, help="checkpoint (snnc train)")
    p.add_argument("--nir", required=True, help="snnc export MODEL --format nir")
    p.add_argument("--deploy", required=True, help="snnc export MODEL --target …")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--time-steps", type=int, default=5)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--work", default="out")
    p.add_argument("--json", default=None, help="write results here")
    p.add_argument("--readers", default="snntorch,sinabs,norse")
    p.add_argument("--reuse", action="store_true", help="reuse WORK/snnc-reference.npz (same model and images)")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    T = a.time_steps

    mean, std = preprocessing(a.deploy)
    float_graph = nir.read(a.nir)
    root_graph = nir.read(a.deploy)
    shape = tuple(int(v) for v in np.ravel([n for n in float_graph.nodes.values() if isinstance(n, nir.Input)][0].input_type["input"]))
    images, labels = load_images(a.data_dir, a.limit, mean, std, shape)

    t0 = time.time()
    cache = os.path.join(a.work, "snnc-reference.npz")
    if a.reuse and os.path.exists(cache):
        z = np.load(cache)
        ref_float, ref_sim, sim_labels = z["ref_float"], z["ref_sim"], z["sim_labels"]
    else:
        ref_float = snnc_float_logits(a.snnc, a.model, images, a.work).argmax(1)
        ref_sim, sim_labels = snnc_simulate(a.snnc, a.deploy, a.data_dir, a.limit, a.work)
        np.savez(cache, ref_float=ref_float, ref_sim=ref_sim, sim_labels=sim_labels)
    assert sim_labels is None or np.array_equal(sim_labels, labels), "simulate saw other images"
    qimages, s_in, bits = quantised_input(a.deploy, images)
    print(f"snnc: evaluate (float) {int((ref_float == labels).sum())}/{len(labels)} correct, "
          f"simulate (integer) {int((ref_sim == labels).sum())}/{len(labels)} correct ({time.time() - t0:.0f} s)",
          file=sys.stderr)

    results = {"images": len(labels), "time_steps": T, "normalisation": [mean, std], "input_shape": shape,
               "input_scale": s_in, "input_bits": bits,
               "snnc": {"evaluate_correct": int((ref_float == labels).sum()),
                        "simulate_correct": int((ref_sim == labels).sum()),
                        "evaluate_vs_simulate_agree": int((ref_float == ref_sim).sum())},
               "readers": {}}
    for reader in a.readers.split(","):
        for kind, graph, x, ref in (("float_nir", float_graph, images, ref_float),
                                    ("deployment_root", root_graph, qimages, ref_sim)):
            patches = []
            t0 = time.time()
            try:
                if reader == "snntorch":
                    net = build_snntorch(graph, patches)
                    logits = run_snntorch(net, x, T, a.batch)
                elif reader == "norse":
                    net = build_norse(graph, patches)
                    logits = run_norse(net, x, T, a.batch)
                elif reader == "sinabs":
                    net = build_sinabs(graph, T, a.batch, patches)
                    logits = run_sinabs(net, x, T, a.batch)
                else:
                    raise ValueError(f"unknown reader {reader}")
                r = compare(reader, logits, ref, labels)
                r["reference"] = "snnc evaluate --inputs" if kind == "float_nir" else "snnc simulate --trace"
            except Exception as e:  # report, go on with the next
                r = {"reader": reader, "error": f"{type(e).__name__}: {e}"}
            r["patches"] = patches
            r["seconds"] = round(time.time() - t0, 1)
            results["readers"].setdefault(reader, {})[kind] = r
            msg = r.get("error") or f"{r['agree']}/{r['images']} predictions equal snnc's ({r['correct']} correct)"
            print(f"{reader:9s} {kind:16s} {msg}", file=sys.stderr)
    text = json.dumps(results, indent=1)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
