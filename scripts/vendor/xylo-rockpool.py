#!/usr/bin/env python3
"""Xylo Audio 2 (SYNS61201) fit, neuron classes and weight counts, as rockpool computes them, without hardware.

Builds each network below as a rockpool `Sequential` of `Linear` and `LIF` modules (numpy back-end),
turns it into a graph (`Module.as_graph`) and runs `rockpool.devices.xylo.syns61201.mapper`, the
design-rule check and neuron allocation SynSense's tool applies before a configuration is made.
For every network it records:

- the neurons per class as rockpool classifies them: hidden neurons (every LIF module that does not
  drive a network output) and output neurons (those that do), the input channels, and the hardware
  ids the mapper allocates to each module;
- the weights: input (input channels -> first hidden layer), recurrent (hidden -> hidden, where a
  feed-forward hidden -> hidden layer lives on Xylo) and output (hidden -> output), as non-zero
  counts, and the largest fan-out of one hidden neuron into the hidden population;
- the mapper's errors (`DRCError`) and design-rule warnings (`DRCWarning`: more than 16 input or
  8 output channels only warn, the hardware has no more);
- two limits rockpool states outside the mapper, evaluated on the same counts: a hidden neuron
  reaches at most 64 hidden neurons ("Max. fanout", docs/devices/xylo-overview.ipynb) and the
  recurrent weight memory holds 32,000 entries (RFORAM/RWTRAM/RWT2RAM are 32,000 words apart in
  the memory map of `xa2_devkit_utils.py`, `read_allram_state`).

A network fits when the mapper raises nothing, warns nothing, and both limits hold. The
configuration validator (`config_from_specification` -> `samna.xyloCore2.validate_configuration`)
is closed source inside samna and is not run.

The `samna` package is never imported: `pip install sinabs` brings a stub whose import reaches out
to an outside index, so an import hook refuses `samna`, `samnagui` and `xylosim` (rockpool then
installs its own placeholders for the hardware classes). `rockpool.devices.xylo/__init__.py`
imports the Xylo Audio 3 package, which needs samna unconditionally, so the script registers the
`rockpool.devices.xylo` package without running that file and imports `syns61201` directly.

Usage (from the repository root):
    python3 -m venv .venv-vendor
    .venv-vendor/bin/pip install rockpool==3.1.0
    nice .venv-vendor/bin/python scripts/vendor/xylo-rockpool.py experiments/xylo-rockpool/rockpool-3.1.0.json

The network specs are written into the JSON too; snnc's test (`XyloRockpoolTests`) builds the
same networks from them and compares.
"""

import importlib.abc
import json
import os
import re
import sys
import types
import warnings


class RefuseHardwareModules(importlib.abc.MetaPathFinder):
    """Makes `import samna` (and samnagui, xylosim) fail as if the package were absent."""

    blocked = {"samna", "samnagui", "xylosim"}

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"{name} is blocked by xylo-rockpool.py", name=name)
        return None


sys.meta_path.insert(0, RefuseHardwareModules())

import numpy as np  # noqa: E402
import rockpool  # noqa: E402
import rockpool.devices  # noqa: E402

_xylo = types.ModuleType("rockpool.devices.xylo")
_xylo.__path__ = [os.path.join(os.path.dirname(rockpool.devices.__file__), "xylo")]
sys.modules["rockpool.devices.xylo"] = _xylo

from rockpool.devices.xylo.syns61201 import Xylo2HiddenNeurons, Xylo2OutputNeurons, mapper  # noqa: E402
from rockpool.devices.xylo.syns61201.xylo_mapper import DRCError, DRCWarning  # noqa: E402
from rockpool.graph import GenericNeurons, LinearWeights, find_modules_of_subclass  # noqa: E402
from rockpool.nn.combinators import Sequential  # noqa: E402
from rockpool.nn.modules import LIF, Linear  # noqa: E402

MAX_FAN_OUT = 64  # docs/devices/xylo-overview.ipynb, family table, "Max. fanout" of XyloAudio 2
RECURRENT_ENTRIES = 32_000  # xa2_devkit_utils.py memory map: RFORAM 0x0A920, RWTRAM 0x12620 (32,000 words apart)

# Each network: input channels, then linear layers in order. A linear layer has `out` features and
# optionally `band`: input unit i connects to the outputs o with (o - i) mod out < band (every
# input reaches `band` outputs); without it the layer is dense. Every linear layer is followed by
# a LIF layer in rockpool; the last one is the output layer (snnc: the readout).
NETWORKS = {
    # A keyword-spotting-sized net well inside every limit.
    "small-fits": {"inputs": 16, "layers": [{"out": 64}, {"out": 32}, {"out": 8}]},
    # Three hidden layers, dense: 175 hidden neurons, 6,250 recurrent weights.
    "three-hidden-fits": {"inputs": 16, "layers": [{"out": 100}, {"out": 50}, {"out": 25}, {"out": 8}]},
    # Exactly at every limit: 16 inputs, 1000 hidden, fan-out 64, 32,000 recurrent weights, 8 outputs.
    "at-the-limits": {"inputs": 16, "layers": [{"out": 500}, {"out": 500, "band": 64}, {"out": 8}]},
    # A neuron with a fan-in of 800: rockpool states no fan-in limit; fits.
    "large-fan-in-fits": {"inputs": 16, "layers": [{"out": 800}, {"out": 4}, {"out": 8}]},
    # 1100 hidden neurons (fan-out 8, 4,800 recurrent weights): too many hidden neurons.
    "too-many-hidden": {"inputs": 16, "layers": [{"out": 600}, {"out": 500, "band": 8}, {"out": 4}]},
    # 10 output neurons.
    "too-many-outputs": {"inputs": 16, "layers": [{"out": 64}, {"out": 10}]},
    # 20 input channels.
    "too-many-inputs": {"inputs": 20, "layers": [{"out": 64}, {"out": 8}]},
    # A single neuron layer: nothing is hidden.
    "no-hidden-layer": {"inputs": 16, "layers": [{"out": 8}]},
    # Dense 128 -> 128: every hidden neuron of the first layer reaches 128 hidden neurons.
    "fan-out-too-large": {"inputs": 16, "layers": [{"out": 128}, {"out": 128}, {"out": 8}]},
    # 600 x 60 = 36,000 recurrent weights (fan-out 60, 900 hidden neurons).
    "too-many-recurrent-weights": {"inputs": 16, "layers": [{"out": 600}, {"out": 300, "band": 60}, {"out": 8}]},
}


def weight_matrix(inputs, layer):
    """The (inputs, out) weight matrix of a layer: 0.5 where connected, 0 elsewhere."""
    out = layer["out"]
    band = layer.get("band")
    if band is None:
        return np.full((inputs, out), 0.5)
    i = np.arange(inputs)[:, None]
    o = np.arange(out)[None, :]
    return np.where((o - i) % out < band, 0.5, 0.0)


def rockpool_net(spec):
    modules = []
    inputs = spec["inputs"]
    for layer in spec["layers"]:
        n = layer["out"]
        modules.append(Linear((inputs, n), weight=weight_matrix(inputs, layer), has_bias=False))
        modules.append(LIF(n, dt=1e-3, tau_mem=np.full(n, 0.02), tau_syn=np.full(n, 0.01)))
        inputs = n
    return Sequential(*modules)


def classify(graph):
    """Neurons per class, input channels and weight counts, read from rockpool's graph."""
    neurons = find_modules_of_subclass(graph, GenericNeurons)
    output = [m for m in neurons if any(m in node.source_modules for node in graph.output_nodes)]
    hidden = [m for m in neurons if m not in output]
    counts = {"inputs": len(graph.input_nodes), "hidden": sum(len(m.output_nodes) for m in hidden),
              "output": sum(len(m.output_nodes) for m in output), "input_weights": 0, "recurrent_weights": 0,
              "output_weights": 0, "max_hidden_fan_out": 0}
    fan_out = {}
    for w in find_modules_of_subclass(graph, LinearWeights):
        sources = {m for node in w.input_nodes for m in node.source_modules}
        targets = {m for node in w.output_nodes for m in node.sink_modules}
        nonzero = np.asarray(w.weights) != 0
        if not sources & set(neurons):
            counts["input_weights"] += int(nonzero.sum())
        elif targets & set(output):
            counts["output_weights"] += int(nonzero.sum())
        else:
            counts["recurrent_weights"] += int(nonzero.sum())
            (source,) = sources & set(neurons)
            per_neuron = nonzero.sum(axis=1)
            fan_out[source] = fan_out.get(source, 0) + per_neuron
    counts["max_hidden_fan_out"] = int(max((int(f.max()) for f in fan_out.values()), default=0))
    return counts


def id_ranges(graph, cls):
    return [[int(min(m.hw_ids)), int(max(m.hw_ids))] for m in find_modules_of_subclass(graph, cls)]


def measure(name, spec):
    net = rockpool_net(spec)
    counts = classify(net.as_graph())
    mapped, error, hidden_ids, output_ids = None, None, None, None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            mapped = mapper(net.as_graph())
        except DRCError as e:
            cause = f" ({e.__cause__})" if e.__cause__ else ""
            # Module names carry the Python object id (`LIF_'3_LIF'_140506706947856`): dropped.
            error = re.sub(r"_\d{6,}", "", f"{e}{cause}".replace("\n", " "))
    drc_warnings = [str(w.message) for w in caught if issubclass(w.category, DRCWarning)]
    if mapped is not None:
        graph = mapped["mapped_graph"]
        hidden_ids = id_ranges(graph, Xylo2HiddenNeurons)
        output_ids = id_ranges(graph, Xylo2OutputNeurons)
        # The specification's matrices must hold what the graph said.
        assert int(np.count_nonzero(mapped["weights_rec"])) == counts["recurrent_weights"], name
        assert int(np.count_nonzero(mapped["weights_in"])) == counts["input_weights"], name
        assert int(np.count_nonzero(mapped["weights_out"])) == counts["output_weights"], name
        assert np.shape(mapped["weights_in"])[0] == counts["inputs"], name
    limits = []
    if counts["max_hidden_fan_out"] > MAX_FAN_OUT:
        limits.append(f"a hidden neuron reaches {counts['max_hidden_fan_out']} hidden neurons; Max. fanout is {MAX_FAN_OUT}")
    if counts["recurrent_weights"] > RECURRENT_ENTRIES:
        limits.append(f"{counts['recurrent_weights']} recurrent weights; the recurrent weight memory holds {RECURRENT_ENTRIES}")
    fits = error is None and not drc_warnings and not limits
    if error is not None:
        reason = error
    elif drc_warnings:
        reason = drc_warnings[0]
    elif limits:
        reason = limits[0]
    else:
        reason = None
    print(f"{name}: {counts}, fits={fits}, reason={reason}", file=sys.stderr)
    return {"name": name, "spec": spec, "counts": counts, "mapper_error": error, "drc_warnings": drc_warnings,
            "documented_limit_violations": limits, "hidden_ids": hidden_ids, "output_ids": output_ids,
            "fits": fits, "reason": reason, "reason_class": reason_class(reason)}


def reason_class(reason):
    """A short name for the rule a reason comes from, which the Swift test maps to a profile key."""
    if reason is None:
        return None
    for needle, label in [("At least two layers", "neuron-layers"), ("Max. fanout", "fan-out"),
                          ("recurrent weight memory", "recurrent-weights"),
                          ("resources for hidden neurons", "hidden-neurons"),
                          ("resources for output neurons", "output-neurons"), ("output channels", "output-neurons"),
                          ("input channels", "input-channels")]:
        if needle in reason:
            return label
    return "other"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "experiments/xylo-rockpool/rockpool-3.1.0.json"
    result = {
        "tool": f"rockpool {rockpool.__version__}",
        "chip": "XyloAudio 2 (rockpool.devices.xylo.syns61201.mapper, defaults max_hidden_neurons=1000, max_output_neurons=8)",
        "numpy": np.__version__,
        "limits": {"max_hidden_neurons": 1000, "max_output_neurons": 8, "input_channels": 16,
                   "max_fan_out": MAX_FAN_OUT, "recurrent_entries": RECURRENT_ENTRIES},
        "networks": [measure(name, spec) for name, spec in NETWORKS.items()],
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
