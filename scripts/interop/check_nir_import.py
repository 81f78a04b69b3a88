"""NIR import check (run by scripts/interop-check.sh): graphs built with Python's `nir` package.

For each graph below (together they use every node type snnc imports):
  1. nir.write it, `snnc import` it, run `snnc evaluate --inputs/--outputs` on fixed random inputs;
  2. evaluate the same NIR graph with the small numpy reference below (forward Euler, dt = 1 step,
     fire on v >= v_threshold, hard reset to 0: docs/NIR.md) and require the readout to agree within
     1e-5 at every step and every neuron node's spikes to agree exactly (step by step);
  3. `snnc export --format nir` the imported checkpoint and require every array of every node to
     come back unchanged (nir.read on both files).
Then every unsupported case must fail with a non-zero exit and a message naming its node and field.
Usage: check_nir_import.py <snnc binary> <work folder>
"""
import os
import subprocess
import sys

import h5py
import nir
import numpy as np

F = np.float32


def fail(message):
    print(f"nir-import-check: FAIL {message}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- graphs

def full(shape, value):
    return np.full(shape, value, dtype=F)


def rand(rng, *shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(F)


def graph_conv(rng):
    """Conv2d, LIF, SumPool2d + IF (max-pooling), AvgPool2d, Flatten, Affine."""
    nodes = {
        "in": nir.Input(input_type=np.array([1, 8, 8])),
        "conv1": nir.Conv2d(input_shape=(8, 8), weight=rand(rng, 4, 1, 3, 3), stride=(1, 1), padding=(1, 1),
                            dilation=(1, 1), groups=1, bias=rand(rng, 4, scale=0.2)),
        "lif1": nir.LIF(tau=full((4, 8, 8), 2.0), r=full((4, 8, 8), 1.0), v_leak=full((4, 8, 8), 0.0),
                        v_threshold=full((4, 8, 8), 1.0), v_reset=full((4, 8, 8), 0.0)),
        "pool1": nir.SumPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
        "fire1": nir.IF(r=full((4, 4, 4), 1.0), v_threshold=full((4, 4, 4), 1.0), v_reset=full((4, 4, 4), 0.0)),
        "conv2": nir.Conv2d(input_shape=(4, 4), weight=rand(rng, 6, 4, 3, 3, scale=0.8), stride=(1, 1), padding=(1, 1),
                            dilation=(1, 1), groups=1, bias=rand(rng, 6, scale=0.2)),
        "lif2": nir.LIF(tau=full((6, 4, 4), 4.0 / 3.0), r=full((6, 4, 4), 1.0), v_leak=full((6, 4, 4), 0.0),
                        v_threshold=full((6, 4, 4), 0.8), v_reset=full((6, 4, 4), 0.0)),
        "avg": nir.AvgPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
        "flat": nir.Flatten(input_type={"input": np.array([6, 2, 2])}, start_dim=0, end_dim=-1),
        "fc": nir.Affine(weight=rand(rng, 5, 24), bias=rand(rng, 5, scale=0.1)),
        "out": nir.Output(output_type=np.array([5])),
    }
    edges = [("in", "conv1"), ("conv1", "lif1"), ("lif1", "pool1"), ("pool1", "fire1"), ("fire1", "conv2"),
             ("conv2", "lif2"), ("lif2", "avg"), ("avg", "flat"), ("flat", "fc"), ("fc", "out")]
    return nodes, edges, (1, 8, 8)


def graph_dense(rng):
    """Linear, Scale, CubaLIF (tau_syn = 1 step), LIF with r != 1 and v_leak != 0, IF, a SumPool2d that
    is not max-pooling (its input is not spikes)."""
    nodes = {
        "input": nir.Input(input_type=np.array([2, 4, 4])),
        "sum": nir.SumPool2d(kernel_size=np.array([2, 2]), stride=np.array([1, 1]), padding=np.array([0, 0])),
        "flat": nir.Flatten(input_type={"input": np.array([2, 3, 3])}, start_dim=0, end_dim=-1),
        "lin": nir.Linear(weight=rand(rng, 12, 18, scale=0.6)),
        "scale": nir.Scale(scale=rand(rng, 12)),
        "cuba": nir.CubaLIF(tau_syn=full(12, 1.0), tau_mem=full(12, 3.0), r=full(12, 1.5), v_leak=full(12, 0.0),
                            v_threshold=full(12, 0.5), v_reset=full(12, 0.0), w_in=full(12, 2.0)),
        "fc1": nir.Affine(weight=rand(rng, 10, 12), bias=rand(rng, 10, scale=0.3)),
        "lif": nir.LIF(tau=full(10, 5.0), r=full(10, 5.0), v_leak=full(10, 0.1), v_threshold=full(10, 1.2),
                       v_reset=full(10, 0.0)),
        "fc2": nir.Affine(weight=rand(rng, 8, 10), bias=rand(rng, 8, scale=0.3)),
        "if": nir.IF(r=full(8, 1.0), v_threshold=full(8, 0.7), v_reset=full(8, 0.0)),
        "readout": nir.Affine(weight=rand(rng, 3, 8), bias=rand(rng, 3, scale=0.1)),
        "output": nir.Output(output_type=np.array([3])),
    }
    edges = [("input", "sum"), ("sum", "flat"), ("flat", "lin"), ("lin", "scale"), ("scale", "cuba"),
             ("cuba", "fc1"), ("fc1", "lif"), ("lif", "fc2"), ("fc2", "if"), ("if", "readout"), ("readout", "output")]
    return nodes, edges, (2, 4, 4)


def graph_residual(rng):
    """Residual fan-in: two edges into one LIF, and three into the readout's input."""
    def lif(shape, threshold):
        return nir.LIF(tau=full(shape, 2.0), r=full(shape, 1.0), v_leak=full(shape, 0.0),
                       v_threshold=full(shape, threshold), v_reset=full(shape, 0.0))
    nodes = {
        "input": nir.Input(input_type=np.array([2, 6, 6])),
        "stem": nir.Conv2d(input_shape=(6, 6), weight=rand(rng, 3, 2, 3, 3), stride=(1, 1), padding=(1, 1),
                           dilation=(1, 1), groups=1, bias=rand(rng, 3, scale=0.2)),
        "a": lif((3, 6, 6), 1.0),
        "c1": nir.Conv2d(input_shape=(6, 6), weight=rand(rng, 3, 3, 3, 3, scale=0.7), stride=(1, 1), padding=(1, 1),
                         dilation=(1, 1), groups=1, bias=rand(rng, 3, scale=0.2)),
        "b": lif((3, 6, 6), 0.9),
        "c2": nir.Conv2d(input_shape=(6, 6), weight=rand(rng, 3, 3, 1, 1), stride=(1, 1), padding=(0, 0),
                         dilation=(1, 1), groups=1, bias=rand(rng, 3, scale=0.2)),
        "join": lif((3, 6, 6), 1.0),
        "down": nir.Conv2d(input_shape=(6, 6), weight=rand(rng, 4, 3, 3, 3, scale=0.7), stride=(2, 2), padding=(1, 1),
                           dilation=(1, 1), groups=1, bias=rand(rng, 4, scale=0.2)),
        "d": lif((4, 3, 3), 1.0),
        "flat": nir.Flatten(input_type={"input": np.array([4, 3, 3])}, start_dim=0, end_dim=-1),
        "fc": nir.Affine(weight=rand(rng, 4, 36), bias=rand(rng, 4, scale=0.1)),
        "skip": nir.Linear(weight=rand(rng, 4, 36, scale=0.3)),
        "output": nir.Output(output_type=np.array([4])),
    }
    edges = [("input", "stem"), ("stem", "a"), ("a", "c1"), ("c1", "b"), ("b", "c2"), ("c2", "join"), ("a", "join"),
             ("join", "down"), ("down", "d"), ("d", "flat"), ("flat", "fc"), ("flat", "skip"),
             ("fc", "output"), ("skip", "output")]
    return nodes, edges, (2, 6, 6)


# ---------------------------------------------------------------- numpy reference

def topological(nodes, edges):
    inputs = {n: [s for s, d in edges if d == n] for n in nodes}
    order, done = [], set()
    while len(order) < len(nodes):
        for n in sorted(nodes):
            if n not in done and all(s in done for s in inputs[n]):
                order.append(n)
                done.add(n)
    return order, inputs


def conv2d(x, node):
    w, b = node.weight.astype(F), node.bias.astype(F)
    sh, sw = np.broadcast_to(node.stride, 2)
    ph, pw = np.broadcast_to(node.padding, 2)
    n, c, h, wd = x.shape
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw), dtype=F)
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    kh, kw = w.shape[2:]
    ho, wo = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    y = np.zeros((n, w.shape[0], ho, wo), dtype=F)
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            y[:, :, i, j] = np.einsum("ncij,ocij->no", patch, w)
    return y + b[None, :, None, None]


def pool(x, node, average):
    kh, kw = np.broadcast_to(node.kernel_size, 2)
    sh, sw = np.broadcast_to(node.stride, 2)
    n, c, h, w = x.shape
    ho, wo = (h - kh) // sh + 1, (w - kw) // sw + 1
    y = np.zeros((n, c, ho, wo), dtype=F)
    for i in range(ho):
        for j in range(wo):
            y[:, :, i, j] = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].sum(axis=(2, 3), dtype=F)
    return y * F(1.0 / (kh * kw)) if average else y


def reference(nodes, edges, images, steps):
    """Per-step outputs of every node: forward Euler with dt = 1, fire on v >= v_threshold."""
    order, inputs = topological(nodes, edges)
    state = {}
    history = {name: [] for name in nodes}
    for _ in range(steps):
        out = {}
        for name in order:
            node = nodes[name]
            kind = type(node).__name__
            if kind == "Input":
                out[name] = images
                continue
            x = out[inputs[name][0]]
            for other in inputs[name][1:]:
                x = x + out[other]
            if kind == "Output":
                y = x
            elif kind == "Conv2d":
                y = conv2d(x, node)
            elif kind == "Affine":
                y = x @ node.weight.astype(F).T + node.bias.astype(F)
            elif kind == "Linear":
                y = x @ node.weight.astype(F).T
            elif kind == "Scale":
                y = x * node.scale.astype(F)
            elif kind == "Flatten":
                y = x.reshape(x.shape[0], -1)
            elif kind in ("SumPool2d", "AvgPool2d"):
                y = pool(x, node, kind == "AvgPool2d")
            elif kind in ("LIF", "IF", "CubaLIF"):
                v = state.get(name, np.zeros_like(x))
                if kind == "IF":
                    h = v + node.r.astype(F) * x
                else:
                    current = x
                    if kind == "CubaLIF":  # tau_syn = dt: the synaptic current is w_in times the input
                        current = node.w_in.astype(F) * x
                    tau = (node.tau if kind == "LIF" else node.tau_mem).astype(F)
                    drive = node.r.astype(F) * current + node.v_leak.astype(F)
                    h = v + (drive - v) / tau
                y = (h >= node.v_threshold.astype(F)).astype(F)
                state[name] = np.where(y > 0, F(0), h).astype(F)
            else:
                raise ValueError(kind)
            out[name] = y.astype(F)
        for name in order:
            history[name].append(out[name])
    return {name: np.stack(values) for name, values in history.items()}, inputs


# ---------------------------------------------------------------- checks

def run(command):
    return subprocess.run(command, capture_output=True, text=True)


def check_graph(snnc, work, label, build, steps=6, images=16):
    rng = np.random.default_rng(len(label) * 7919)
    nodes, edges, shape = build(rng)
    path = os.path.join(work, f"{label}.nir")
    nir.write(path, nir.NIRGraph(nodes=nodes, edges=edges))
    model = os.path.join(work, f"{label}.h5")
    result = run([snnc, "import", path, "--time-steps", str(steps), "-o", model, "--force"])
    if result.returncode != 0:
        fail(f"{label}: snnc import failed:\n{result.stderr}")
    x = (rng.standard_normal((images,) + shape) * 1.5).astype(F)
    inputs, outputs = os.path.join(work, f"{label}-in.h5"), os.path.join(work, f"{label}-out.h5")
    with h5py.File(inputs, "w") as f:
        f["images"] = x
    result = run([snnc, "evaluate", model, "--inputs", inputs, "--outputs", outputs])
    if result.returncode != 0:
        fail(f"{label}: snnc evaluate failed:\n{result.stderr}")
    expected, sources = reference(nodes, edges, x, steps)
    output = next(n for n, v in nodes.items() if isinstance(v, nir.Output))
    spikes_checked, total_spikes = 0, 0
    with h5py.File(outputs, "r") as f:
        logits = f["logits"][:]
        want = expected[output]
        if logits.shape != want.shape:
            fail(f"{label}: logits shape {logits.shape}, reference {want.shape}")
        worst = float(np.abs(logits - want).max())
        if worst > 1e-5:
            fail(f"{label}: logits differ from the numpy reference by up to {worst}")
        for name, node in nodes.items():
            if type(node).__name__ not in ("LIF", "IF", "CubaLIF"):
                continue
            engine = name if name in f["nodes"] else sources[name][0]  # an IF absorbed into a max-pool
            got = f["nodes"][engine][:]
            if got.shape != expected[name].shape or not np.array_equal(got, expected[name]):
                diff = int(np.sum(got != expected[name])) if got.shape == expected[name].shape else -1
                fail(f"{label}: spikes of '{name}' (snnc node '{engine}') differ from the reference in {diff} places")
            spikes_checked += 1
            total_spikes += int(expected[name].sum())
    if total_spikes == 0:
        fail(f"{label}: no neuron fired; the check would prove nothing")
    # Round trip: every array of every node comes back unchanged.
    back = os.path.join(work, f"{label}-rt.nir")
    result = run([snnc, "export", model, "--format", "nir", "-o", back, "--force"])
    if result.returncode != 0:
        fail(f"{label}: snnc export --format nir failed:\n{result.stderr}")
    original, returned = nir.read(path), nir.read(back)
    if set(original.nodes) != set(returned.nodes):
        fail(f"{label}: round trip nodes {sorted(returned.nodes)} != {sorted(original.nodes)}")
    if sorted(original.edges) != sorted(returned.edges):
        fail(f"{label}: round trip edges {sorted(returned.edges)} != {sorted(original.edges)}")
    arrays = 0
    for name, node in original.nodes.items():
        other = returned.nodes[name]
        if type(node) is not type(other):
            fail(f"{label}: round trip turned '{name}' from {type(node).__name__} into {type(other).__name__}")
        for key, value in vars(node).items():
            if key in ("metadata", "input_type", "output_type"):
                continue
            a, b = np.asarray(value), np.asarray(getattr(other, key))
            if a.shape != b.shape or not np.array_equal(a, b):
                fail(f"{label}: round trip changed {name}.{key}: {a.ravel()[:4]} → {b.ravel()[:4]} (shapes {a.shape}, {b.shape})")
            arrays += 1
    print(f"nir-import-check: ok {label}: {len(nodes)} nodes ({', '.join(sorted({type(n).__name__ for n in nodes.values()}))}), "
          f"readout within {worst:.1e}, spikes of {spikes_checked} neuron nodes equal ({total_spikes} spikes), "
          f"{arrays} arrays unchanged after NIR → snnc → NIR")


def unsupported_cases():
    """(label, nodes, edges, words that the error must contain)."""
    def lif(shape, tau=2.0, reset=0.0):
        return nir.LIF(tau=full(shape, tau) if np.isscalar(tau) else tau, r=full(shape, 1.0), v_leak=full(shape, 0.0),
                       v_threshold=full(shape, 1.0), v_reset=full(shape, reset))

    def chain(*middle):
        nodes = {"input": nir.Input(input_type=np.array([1, 2, 2])), "flat": nir.Flatten(
            input_type={"input": np.array([1, 2, 2])}, start_dim=0, end_dim=-1)}
        nodes.update(middle)
        nodes["output"] = nir.Output(output_type=np.array([3]))
        names = ["input", "flat"] + [m[0] for m in middle] + ["output"]
        return nodes, list(zip(names[:-1], names[1:]))

    fc = ("fc", nir.Affine(weight=np.ones((3, 4), F), bias=np.zeros(3, F)))
    cases = []
    nodes, edges = chain(fc, ("delay", nir.Delay(delay=np.ones(3, F))))
    cases.append(("unknown node type", nodes, edges, ["delay", "type", "Delay"]))
    tau = full(3, 2.0)
    tau[1] = 3.0
    nodes, edges = chain(fc, ("lif", lif(3, tau=tau)))
    cases.append(("per-neuron tau", nodes, edges, ["lif", "tau", "differ"]))
    nodes, edges = chain(fc, ("lif", lif(3, reset=0.5)))
    cases.append(("v_reset", nodes, edges, ["lif", "v_reset"]))
    nodes, edges = chain(("fc", nir.Affine(weight=np.ones((3, 5), F), bias=np.zeros(3, F))))
    cases.append(("mismatched shapes", nodes, edges, ["fc", "weight", "shape"]))
    nodes, edges = chain(fc, ("a", lif(3)), ("b", nir.Affine(weight=np.eye(3, dtype=F), bias=np.zeros(3, F))))
    edges.append(("b", "a"))
    cases.append(("cycle", nodes, edges, ["edges", "cycle"]))
    nodes, edges = chain(fc, ("cuba", nir.CubaLIF(tau_syn=full(3, 5.0), tau_mem=full(3, 2.0), r=full(3, 1.0),
                                                    v_leak=full(3, 0.5), v_threshold=full(3, 1.0), v_reset=full(3, 0.0),
                                                    w_in=full(3, 1.0))))
    cases.append(("CubaLIF with synaptic memory and v_leak", nodes, edges, ["cuba", "v_leak"]))
    nodes = {"input": nir.Input(input_type=np.array([2, 4, 4])),
             "conv": nir.Conv2d(input_shape=(4, 4), weight=np.ones((2, 1, 3, 3), F), stride=1, padding=1, dilation=1,
                                groups=2, bias=np.zeros(2, F)),
             "flat": nir.Flatten(input_type={"input": np.array([2, 4, 4])}, start_dim=0, end_dim=-1),
             "output": nir.Output(output_type=np.array([32]))}
    edges = [("input", "conv"), ("conv", "flat"), ("flat", "output")]
    cases.append(("grouped conv", nodes, edges, ["conv", "groups"]))
    return cases


def check_errors(snnc, work):
    for i, (label, nodes, edges, words) in enumerate(unsupported_cases()):
        path = os.path.join(work, f"bad{i}.nir")
        nir.write(path, nir.NIRGraph(nodes=nodes, edges=edges, type_check=False))
        model = os.path.join(work, f"bad{i}.h5")
        result = run([snnc, "import", path, "-o", model, "--force"])
        if result.returncode == 0:
            fail(f"{label}: snnc import accepted the graph")
        if os.path.exists(model):
            fail(f"{label}: a failed import left '{model}' behind")
        missing = [w for w in words if w.lower() not in result.stderr.lower()]
        if missing or "Error:" not in result.stderr:
            fail(f"{label}: the error does not name {missing}:\n{result.stderr}")
        first = result.stderr.strip().splitlines()[0]
        print(f"nir-import-check: ok error '{label}': {first}")


def main():
    if len(sys.argv) != 3:
        fail("usage: check_nir_import.py <snnc> <work folder>")
    snnc, work = sys.argv[1], sys.argv[2]
    for label, build in (("conv", graph_conv), ("dense", graph_dense), ("residual", graph_residual)):
        check_graph(snnc, work, label, build)
    check_errors(snnc, work)


if __name__ == "__main__":
    main()
