#!/usr/bin/env python3
"""Speck memory, fit and core assignment per layer, as sinabs 3.1.3 computes them, without hardware.

Builds each network below as a torch `nn.Sequential` of sinabs layers, converts it with
`sinabs.backend.dynapcnn.DynapcnnNetwork`, and records for every DYNAP-CNN layer:

- the kernel, neuron and bias memory (`DynapcnnLayer.memory_summary`),
- the cores whose memory holds it (`mapping.find_chip_layers` against the Speck 2F constraints),
- the destinations (`DynapcnnNetwork.layer_destination_map`),
- the core sinabs assigns (`Speck2FConfigBuilder.map_layers_to_cores`, the flow matching in
  `mapping.get_valid_mapping`), or no fit when that raises.

The `samna` package that `pip install sinabs` brings is a stub whose import reaches out to an
outside index, so it is never imported: a placeholder module stands in for it in `sys.modules`
before sinabs is imported (only configuration objects and device I/O use samna; none are built).

Usage (from the repository root):
    python3 -m venv .venv-vendor
    .venv-vendor/bin/pip install torch sinabs==3.1.3
    .venv-vendor/bin/python scripts/vendor/speck-sinabs.py experiments/speck-sinabs/sinabs-3.1.3.json

The network specs are written into the JSON too; snnc's test (`SpeckSinabsTests`) builds the
same networks from them and compares.
"""

import json
import sys
import types
from unittest import mock


def block_samna():
    """Puts placeholder modules for samna (and the sub-modules sinabs imports) in sys.modules."""
    for name in ["samna", "samna.speck2e", "samna.speck2e.configuration", "samna.speck2f",
                 "samna.speck2f.configuration", "samna.specksim", "samna.specksim.nodes", "samnagui"]:
        module = types.ModuleType(name)
        module.__getattr__ = lambda attribute, _name=name: mock.MagicMock(name=f"{_name}.{attribute}")
        sys.modules[name] = module


block_samna()

import sinabs  # noqa: E402
import sinabs.layers as sl  # noqa: E402
import torch.nn as nn  # noqa: E402
from sinabs.backend.dynapcnn import DynapcnnNetwork  # noqa: E402
from sinabs.backend.dynapcnn.chips.speck2f import Speck2FConfigBuilder  # noqa: E402
from sinabs.backend.dynapcnn.mapping import find_chip_layers  # noqa: E402

# Each network: input shape [C, H, W] and layers in order. conv: out channels, kernel, stride,
# padding; pool: sum pooling of size = stride; flatten; linear: out features. Every conv and linear
# is followed by an integrate-and-fire layer in sinabs (snnc: a neuron group, or the readout).


def vgg(widths, pools, input_shape, classes):
    layers = []
    for width, pool in zip(widths, pools):
        layers.append({"op": "conv", "out": width, "kernel": 3, "stride": 1, "padding": 1})
        if pool:
            layers.append({"op": "pool", "size": 2})
    layers.append({"op": "flatten"})
    layers.append({"op": "linear", "out": classes})
    return {"input": input_shape, "layers": layers}


NETWORKS = {
    # Three layers: the case the issue quotes (sinabs maps it to cores 0-2).
    "three-layer": {
        "input": [2, 32, 32],
        "layers": [
            {"op": "conv", "out": 8, "kernel": 3, "stride": 1, "padding": 1},
            {"op": "pool", "size": 2},
            {"op": "conv", "out": 16, "kernel": 3, "stride": 1, "padding": 1},
            {"op": "pool", "size": 2},
            {"op": "flatten"},
            {"op": "linear", "out": 10},
        ],
    },
    # LeNet-like with a hidden linear layer and padding-free, strided convs.
    "lenet": {
        "input": [1, 28, 28],
        "layers": [
            {"op": "conv", "out": 6, "kernel": 5, "stride": 1, "padding": 0},
            {"op": "pool", "size": 2},
            {"op": "conv", "out": 16, "kernel": 5, "stride": 1, "padding": 0},
            {"op": "pool", "size": 2},
            {"op": "flatten"},
            {"op": "linear", "out": 120},
            {"op": "linear", "out": 84},
            {"op": "linear", "out": 10},
        ],
    },
    # A VGG-style net of 9 layers that fits: the wide layers need the 32/64 Ki kernel cores (3-6).
    "vgg-fits": vgg([16, 32, 32, 64, 64, 64, 32, 16], [True, False, True, False, True, False, True, False],
                    [2, 64, 64], 10),
    # VGG-style, 9 layers, every layer fits some core, but three layers need 64 Ki of kernel
    # memory and only cores 5 and 6 have it: no assignment.
    "vgg-no-fit-cores": vgg([16, 32, 32, 64, 64, 64, 64, 16], [True, False, True, False, True, False, True, False],
                            [2, 64, 64], 10),
    # VGG-style, 9 layers; the third needs 32 Ki of kernel and 64 Ki of neuron memory, which no
    # single core has.
    "vgg-no-fit-memory": vgg([16, 32, 64, 64, 64, 64, 32, 16], [True, False, True, False, True, False, True, False],
                             [2, 64, 64], 10),
    # VGG16 at width 1/8 (13 convs + 3 linear = 16 layers > 9 cores), the example.
    "vgg16-eighth": {
        "input": [3, 64, 64],
        "layers": vgg([8, 8, 16, 16, 32, 32, 32, 64, 64, 64, 64, 64, 64],
                      [False, True, False, True, False, False, True, False, False, True, False, False, True],
                      [3, 64, 64], 512)["layers"][:-1]
        + [{"op": "linear", "out": 512}, {"op": "linear", "out": 512}, {"op": "linear", "out": 10}],
    },
    # A layer whose kernel needs 128 Ki entries: fits no core.
    "too-wide": {
        "input": [2, 16, 16],
        "layers": [
            {"op": "conv", "out": 64, "kernel": 3, "stride": 1, "padding": 1},
            {"op": "conv", "out": 128, "kernel": 3, "stride": 2, "padding": 1},
            {"op": "flatten"},
            {"op": "linear", "out": 10},
        ],
    },
    # Large feature maps: the first layer's neurons need 64 Ki (cores 0-2 only), strided convs.
    "large-maps": {
        "input": [2, 128, 128],
        "layers": [
            {"op": "conv", "out": 4, "kernel": 3, "stride": 1, "padding": 1},
            {"op": "conv", "out": 8, "kernel": 3, "stride": 2, "padding": 1},
            {"op": "conv", "out": 16, "kernel": 3, "stride": 2, "padding": 1},
            {"op": "pool", "size": 4},
            {"op": "flatten"},
            {"op": "linear", "out": 10},
        ],
    },
}


def torch_model(spec):
    modules = []
    channels, height, width = spec["input"]
    features = None
    for layer in spec["layers"]:
        op = layer["op"]
        if op == "conv":
            modules.append(nn.Conv2d(channels, layer["out"], layer["kernel"], layer["stride"], layer["padding"],
                                     bias=False))
            modules.append(sl.IAFSqueeze(batch_size=1))
            channels = layer["out"]
            height = (height + 2 * layer["padding"] - layer["kernel"]) // layer["stride"] + 1
            width = (width + 2 * layer["padding"] - layer["kernel"]) // layer["stride"] + 1
        elif op == "pool":
            modules.append(sl.SumPool2d(layer["size"]))
            height //= layer["size"]
            width //= layer["size"]
        elif op == "flatten":
            modules.append(nn.Flatten())
            features = channels * height * width
        elif op == "linear":
            modules.append(nn.Linear(features, layer["out"], bias=False))
            modules.append(sl.IAFSqueeze(batch_size=1))
            features = layer["out"]
        else:
            raise ValueError(op)
    return nn.Sequential(*modules)


def measure(name, spec):
    network = DynapcnnNetwork(torch_model(spec), input_shape=tuple(spec["input"]), batch_size=1, discretize=False)
    constraints = Speck2FConfigBuilder.get_constraints()
    layers = network.dynapcnn_layers
    destinations = network.layer_destination_map
    try:
        assignment = Speck2FConfigBuilder.map_layers_to_cores(layers)
        fits, reason = True, None
    except ValueError as error:
        assignment, fits, reason = {}, False, str(error).split(".")[0]
    rows = []
    for index in sorted(layers):
        memory = layers[index].memory_summary()
        rows.append({
            "index": index,
            "kernel_memory": int(memory["kernel"]),
            "neuron_memory": int(memory["neuron"]),
            "bias_memory": int(memory["bias"]),
            "candidate_cores": find_chip_layers(layers[index], constraints),
            "destinations": [d for d in destinations.get(index, []) if d >= 0],
            "core": assignment.get(index),
        })
    print(f"{name}: {len(rows)} layers, fits={fits}, cores={[r['core'] for r in rows]}", file=sys.stderr)
    return {"name": name, "spec": spec, "fits": fits, "reason": reason, "layers": rows}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "experiments/speck-sinabs/sinabs-3.1.3.json"
    constraints = Speck2FConfigBuilder.get_constraints()
    result = {
        "tool": f"sinabs {sinabs.__version__}",
        "chip": "speck2f (Speck2FConfigBuilder, constraints from DynapcnnConfigBuilder.get_constraints)",
        "cores": [{"kernel_memory": c.kernel_memory, "neuron_memory": c.neuron_memory, "bias_memory": c.bias_memory}
                  for c in constraints],
        "networks": [measure(name, spec) for name, spec in NETWORKS.items()],
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
