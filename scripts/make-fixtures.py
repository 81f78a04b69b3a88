#!/usr/bin/env python3
"""Write the Fashion-MNIST test fixtures: a small stratified subset of the full data set.

Reads the IDX files of the Debian package dataset-fashion-mnist and writes, in the same
IDX-gzip format and with the same file names, 200 training images per class (2,000) and
100 test images per class (1,000) to fixtures/fashion-mnist/. The images of each class are
chosen with a fixed seed; the chosen images keep their original relative order. The original
index of every chosen image is written to indices.txt.

Output is byte-identical on every run: the selection uses only Mersenne Twister
getrandbits (stable across Python versions), and the gzip headers carry mtime 0 and no
file name.

Usage: python3 scripts/make-fixtures.py [--source DIR] [--output DIR]
Standard library only.
"""
import argparse
import gzip
import os
import random
import struct
import sys

SEED = 20250101
CLASS_COUNT = 10
IMAGE_MAGIC = 0x00000803
LABEL_MAGIC = 0x00000801
# (file prefix, images kept per class)
SPLITS = [("train", 200), ("t10k", 100)]


def read_idx(path, magic, dimension_count):
    """Return (dimensions, payload bytes) of a gzip-compressed IDX file, checking its header."""
    with gzip.open(path, "rb") as stream:
        data = stream.read()
    header_size = 4 + 4 * dimension_count
    if len(data) < header_size:
        sys.exit(f"{path}: truncated header ({len(data)} bytes)")
    (found,) = struct.unpack(">I", data[:4])
    if found != magic:
        sys.exit(f"{path}: magic 0x{found:08x}, expected 0x{magic:08x}")
    dimensions = struct.unpack(">" + "I" * dimension_count, data[4:header_size])
    expected = header_size
    size = 1
    for extent in dimensions:
        size *= extent
    expected += size
    if len(data) != expected:
        sys.exit(f"{path}: {len(data)} bytes, header says {expected}")
    return dimensions, data[header_size:]


def write_idx_gz(path, magic, dimensions, payload):
    """Write an IDX file, gzip-compressed with mtime 0 and no stored name (reproducible)."""
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dimensions), *dimensions)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
            out.write(header + payload)


def below(rng, bound):
    """A uniform integer in [0, bound) by rejection sampling on getrandbits."""
    bits = bound.bit_length()
    while True:
        value = rng.getrandbits(bits)
        if value < bound:
            return value


def choose(labels, per_class, seed):
    """Indices of per_class examples of every class, in ascending order."""
    by_class = [[] for _ in range(CLASS_COUNT)]
    for index, label in enumerate(labels):
        if label >= CLASS_COUNT:
            sys.exit(f"label {label} at index {index} is out of range")
        by_class[label].append(index)
    chosen = []
    for label, members in enumerate(by_class):
        if len(members) < per_class:
            sys.exit(f"class {label} has only {len(members)} examples")
        rng = random.Random(seed * 1000 + label)
        # Partial Fisher-Yates: the first per_class slots become a uniform sample.
        for slot in range(per_class):
            pick = slot + below(rng, len(members) - slot)
            members[slot], members[pick] = members[pick], members[slot]
        chosen.extend(members[:per_class])
    return sorted(chosen)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist",
                        help="directory with the full Fashion-MNIST .gz files")
    parser.add_argument("--output", default=os.path.join(root, "fixtures", "fashion-mnist"),
                        help="directory to write the fixtures to")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)

    index_lines = [
        "# Original positions of the fixture images in the full Fashion-MNIST files.",
        "# Line format: <split> <position in fixture> <position in full file>",
        "# Written by scripts/make-fixtures.py; do not edit.",
    ]
    for split_number, (prefix, per_class) in enumerate(SPLITS):
        images_name = f"{prefix}-images-idx3-ubyte.gz"
        labels_name = f"{prefix}-labels-idx1-ubyte.gz"
        (count, height, width), pixels = read_idx(
            os.path.join(args.source, images_name), IMAGE_MAGIC, 3)
        (label_count,), labels = read_idx(
            os.path.join(args.source, labels_name), LABEL_MAGIC, 1)
        if count != label_count:
            sys.exit(f"{prefix}: {count} images but {label_count} labels")

        chosen = choose(labels, per_class, SEED + split_number)
        size = height * width
        kept_pixels = b"".join(pixels[i * size:(i + 1) * size] for i in chosen)
        kept_labels = bytes(labels[i] for i in chosen)
        write_idx_gz(os.path.join(args.output, images_name), IMAGE_MAGIC,
                     (len(chosen), height, width), kept_pixels)
        write_idx_gz(os.path.join(args.output, labels_name), LABEL_MAGIC,
                     (len(chosen),), kept_labels)
        index_lines.extend(f"{prefix} {position} {original}"
                           for position, original in enumerate(chosen))
        print(f"{prefix}: kept {len(chosen)} of {count} images ({per_class} per class)")

    with open(os.path.join(args.output, "indices.txt"), "w", encoding="ascii") as out:
        out.write("\n".join(index_lines) + "\n")


if __name__ == "__main__":
    main()
