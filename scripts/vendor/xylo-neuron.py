#!/usr/bin/env python3
"""Xylo Audio 2's integer neuron, step by step, from rockpool's bit-exact simulator, without hardware.

Runs `rockpool.devices.xylo.syns61201.XyloSim.from_specification` (backed by the `xylosim`
package's C++ model of the chip, `src/v2/cpp/XyloIAFNeuron.cpp`) on small one-neuron cases and
records, per time step, the hidden neuron's synaptic current and membrane potential, its spike
count, and the output neuron's state. Next to it, `reference` below is the arithmetic written
out from reading XyloIAFNeuron.cpp / XyloLayer.cpp; the script stops if the two disagree on any
case, so the rules in experiments/xylo-rockpool/README.md are checked, not only read.

`samna` is refused as in xylo-rockpool.py (the `pip install sinabs` stub reaches out to an outside
index); `xylosim` is allowed here, it is the simulator.

Usage (from the repository root):
    .venv-vendor/bin/pip install rockpool==3.1.0 xylosim==0.1.3
    nice .venv-vendor/bin/python scripts/vendor/xylo-neuron.py experiments/xylo-rockpool/xylosim-0.1.3-neuron.json
"""

import importlib.abc
import json
import os
import sys
import types


class RefuseSamna(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"samna", "samnagui"}:
            raise ModuleNotFoundError(f"{name} is blocked by xylo-neuron.py", name=name)
        return None


sys.meta_path.insert(0, RefuseSamna())

import numpy as np  # noqa: E402
import rockpool  # noqa: E402
import rockpool.devices  # noqa: E402

_xylo = types.ModuleType("rockpool.devices.xylo")
_xylo.__path__ = [os.path.join(os.path.dirname(rockpool.devices.__file__), "xylo")]
sys.modules["rockpool.devices.xylo"] = _xylo

from rockpool.devices.xylo.syns61201 import XyloSim  # noqa: E402

# One input channel -> one hidden neuron -> one output neuron. `spikes`: input events per step.
CASES = {
    # Positive current, no spike: the shift decay, then the tail of 1 per step once v >> dash is 0.
    "decay-positive": {"w_in": 100, "w_out": 0, "dash_syn": 1, "dash_mem": 2, "threshold": 30000,
                       "spikes": [1] + [0] * 13},
    # The same with a negative weight: v >> dash rounds toward minus infinity, so the tail differs.
    "decay-negative": {"w_in": -100, "w_out": 0, "dash_syn": 1, "dash_mem": 2, "threshold": 30000,
                       "spikes": [1] + [0] * 13},
    # dash 0: the whole value decays in one step.
    "dash-zero": {"w_in": 60, "w_out": 0, "dash_syn": 0, "dash_mem": 0, "threshold": 30000,
                  "spikes": [1, 0, 2, 0, 0]},
    # Several spikes in one step, subtractive reset: v keeps what is left above the threshold.
    "subtractive-reset": {"w_in": 127, "w_out": 20, "dash_syn": 3, "dash_mem": 4, "threshold": 100,
                          "spikes": [15, 0, 0, 0, 0, 3, 0, 0, 0, 0]},
    # Input events beyond 15 per step are cut to 15; the 16-bit state saturates at 32767.
    "saturation": {"w_in": 127, "w_out": 127, "dash_syn": 15, "dash_mem": 15, "threshold": 32767,
                   "spikes": [20, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15], "shift_in": 4},
    # A hidden neuron fires at most 31 times per step; an output neuron once.
    "spike-limits": {"w_in": 127, "w_out": 100, "dash_syn": 15, "dash_mem": 15, "threshold": 10,
                     "spikes": [15, 0, 0, 0], "shift_in": 2},
}

MAX_INPUT_SPIKES, MAX_HIDDEN_SPIKES, MAX_OUTPUT_SPIKES = 15, 31, 1
LOW, HIGH = -(1 << 15), (1 << 15) - 1


def saturate(x):
    return max(LOW, min(HIGH, x))


def decay(v, dash):
    """XyloIAFNeuron.cpp `decay`: v >> dash (arithmetic), at least 1 toward zero."""
    dv = v >> dash
    if dv == 0 and v != 0:
        dv = 1 if v > 0 else -1
    return dv


class Neuron:
    def __init__(self, dash_syn, dash_mem, threshold, max_spikes):
        self.dash_syn, self.dash_mem, self.threshold, self.max_spikes = dash_syn, dash_mem, threshold, max_spikes
        self.i_syn, self.v_mem = 0, 0

    def receive(self, weight, count):
        for _ in range(count):
            self.i_syn = saturate(self.i_syn + weight)

    def step(self):
        self.i_syn -= decay(self.i_syn, self.dash_syn)
        dv = saturate(-decay(self.v_mem, self.dash_mem) + self.i_syn)
        self.v_mem = saturate(self.v_mem + dv)
        spikes = 0
        while self.v_mem >= self.threshold and spikes < self.max_spikes:
            spikes += 1
            self.v_mem -= self.threshold
        return spikes


def reference(case):
    """The arithmetic as read from xylosim: per step deliver input events, then last step's hidden
    spikes, then evolve the hidden neuron, then the output neuron."""
    hidden = Neuron(case["dash_syn"], case["dash_mem"], case["threshold"], MAX_HIDDEN_SPIKES)
    output = Neuron(case["dash_syn"], case["dash_mem"], case["threshold"], MAX_OUTPUT_SPIKES)
    w_in = case["w_in"] << case.get("shift_in", 0)
    trace = {"i_syn": [], "v_mem": [], "spikes": [], "i_syn_out": [], "v_mem_out": [], "spikes_out": []}
    previous = 0
    for n in case["spikes"]:
        hidden.receive(w_in, min(n, MAX_INPUT_SPIKES))
        output.receive(case["w_out"], min(previous, MAX_HIDDEN_SPIKES))
        previous = hidden.step()
        fired = output.step()
        for key, value in [("i_syn", hidden.i_syn), ("v_mem", hidden.v_mem), ("spikes", previous),
                           ("i_syn_out", output.i_syn), ("v_mem_out", output.v_mem), ("spikes_out", fired)]:
            trace[key].append(value)
    return trace


def simulate(case):
    sim = XyloSim.from_specification(
        weights_in=np.array([[[case["w_in"]]]], int), weights_out=np.array([[case["w_out"]]], int),
        weights_rec=np.zeros((1, 1, 1), int), dash_syn=[case["dash_syn"]], dash_syn_2=[case["dash_syn"]],
        dash_mem=[case["dash_mem"]], dash_syn_out=[case["dash_syn"]], dash_mem_out=[case["dash_mem"]],
        threshold=[case["threshold"]], threshold_out=[case["threshold"]], weight_shift_in=case.get("shift_in", 0),
        dt=1e-3)
    out, _, rec = sim.evolve(np.array(case["spikes"], int)[:, None], record=True)
    return {"i_syn": rec["Isyn"][:, 0].tolist(), "v_mem": rec["Vmem"][:, 0].tolist(),
            "spikes": rec["Spikes"][:, 0].tolist(), "i_syn_out": rec["Isyn_out"][:, 0].tolist(),
            "v_mem_out": rec["Vmem_out"][:, 0].tolist(), "spikes_out": np.asarray(out)[:, 0].tolist()}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "experiments/xylo-rockpool/xylosim-0.1.3-neuron.json"
    cases = []
    for name, case in CASES.items():
        simulated = {k: [int(x) for x in v] for k, v in simulate(case).items()}
        expected = reference(case)
        if simulated != expected:
            for key in simulated:
                if simulated[key] != expected[key]:
                    print(f"{name} {key}: xylosim {simulated[key]}\n  reference {expected[key]}", file=sys.stderr)
            sys.exit(f"{name}: the reference arithmetic does not match xylosim")
        print(f"{name}: v_mem {simulated['v_mem']}, spikes {simulated['spikes']}", file=sys.stderr)
        cases.append({"name": name, "case": case, "trace": simulated})
    result = {"tool": f"rockpool {rockpool.__version__} XyloSim (syns61201), xylosim 0.1.3", "cases": cases}
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
