"""Interop check for snnc deployment files (run by scripts/interop-check.sh).

For each file given on the command line:
  1. `nir.read` must load the root NIR graph (with its type checks);
  2. every /snnc/layers/<name>/fanout group must load as a scipy.sparse.csr_matrix from its
     AnnData layout, and, dequantised with the layer's nir_weight_scale, must equal the weight of
     the NIR node of the same name (conv: kernel CSR rows = input channels, columns =
     (cout, ky, kx); linear: rows = inputs, columns = outputs);
  3. stored entries must be non-zero;
  4. identity (residual) tables must be diagonal and equal the gains of the NIR Scale node of the
     same name.
Prints one line per file and exits non-zero on the first mismatch.
"""
import sys

import h5py
import nir
import numpy as np
import scipy.sparse


def fail(path, message):
    print(f"interop-check: FAIL {path}: {message}", file=sys.stderr)
    sys.exit(1)


def csr_of(group):
    for attribute in ("encoding-type", "encoding-version", "shape"):
        if attribute not in group.attrs:
            raise ValueError(f"{group.name} lacks attribute {attribute}")
    encoding = group.attrs["encoding-type"]
    encoding = encoding.decode() if isinstance(encoding, bytes) else encoding
    if encoding != "csr_matrix":
        raise ValueError(f"{group.name} encoding-type is {encoding!r}")
    shape = tuple(int(x) for x in group.attrs["shape"])
    return scipy.sparse.csr_matrix((group["data"][:], group["indices"][:], group["indptr"][:]), shape=shape)


def check(path):
    graph = nir.read(path)
    nodes = graph.nodes
    checked = 0
    with h5py.File(path, "r") as f:
        snnc = f["snnc"]
        major = int(snnc.attrs["format_version"][0])
        if major != 2:
            fail(path, f"format major version {major}")
        for name, layer in snnc["layers"].items():
            if "fanout" not in layer:
                continue
            kind = layer.attrs["kind"]
            kind = kind.decode() if isinstance(kind, bytes) else kind
            matrix = csr_of(layer["fanout"])
            if matrix.nnz and np.any(matrix.data == 0):
                fail(path, f"{name}: stored zeros in the fan-out table")
            scale = float(layer["quant"].attrs["nir_weight_scale"])
            if kind == "identity":
                if matrix.shape[0] != matrix.shape[1] or np.any(matrix.indices != np.arange(matrix.shape[0])):
                    fail(path, f"{name}: identity table is not diagonal")
                if name not in nodes or type(nodes[name]).__name__ != "Scale":
                    fail(path, f"{name}: no NIR Scale node for a residual shortcut")
                gains = (matrix.toarray().diagonal().astype(np.float64) * scale).astype(np.float32)
                if not np.array_equal(gains, np.asarray(nodes[name].scale, dtype=np.float32).reshape(-1)):
                    fail(path, f"{name}: shortcut gains differ from the NIR Scale node")
                checked += 1
                continue
            if name not in nodes:
                fail(path, f"{name}: no NIR node for a layer with a fan-out table")
            weight = np.asarray(nodes[name].weight, dtype=np.float64)
            dense = matrix.toarray().astype(np.float64)
            if kind == "conv":
                c_out, c_in, kh, kw = weight.shape
                if matrix.shape != (c_in, c_out * kh * kw):
                    fail(path, f"{name}: kernel table shape {matrix.shape} for weight {weight.shape}")
                integers = dense.reshape(c_in, c_out, kh, kw).transpose(1, 0, 2, 3)
            elif kind == "linear":
                if matrix.shape != (weight.shape[1], weight.shape[0]):
                    fail(path, f"{name}: table shape {matrix.shape} for weight {weight.shape}")
                integers = dense.T
            else:
                fail(path, f"{name}: unexpected kind {kind!r}")
            expected = (integers * scale).astype(np.float32)
            if not np.allclose(expected, weight, rtol=1e-6, atol=1e-7 * max(1.0, np.abs(weight).max())):
                worst = np.abs(expected - weight).max()
                fail(path, f"{name}: dequantised CSR differs from the NIR weight by up to {worst}")
            checked += 1
    types = sorted({type(node).__name__ for node in nodes.values()})
    print(f"interop-check: ok {path}: nir.read loaded {len(nodes)} nodes ({', '.join(types)}), "
          f"{checked} CSR tables match the NIR weights")


def main(paths):
    if not paths:
        fail("-", "no deployment files given")
    for path in paths:
        try:
            check(path)
        except SystemExit:
            raise
        except Exception as error:  # report any reader failure with the file name
            fail(path, f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main(sys.argv[1:])
