"""Image by image: SpikingJelly's test predictions against snnc's float model on the same float images.

    python compare_predictions.py write --out-dir out    # out/images-{0..4}.h5: the 10,000 normalised test images
    for k in 0 1 2 3 4; do snnc evaluate out/sj.h5 --inputs out/images-$k.h5 --outputs out/snnc-outputs-$k.h5; done
    python compare_predictions.py compare --out-dir out  # predictions equal, per image

(snnc evaluate --inputs writes every node's values, so it takes at most ~2,490 images of this
model per file: 2,000 per file here.)

The images are those train_sj_vgg.py tests on ((byte/255 - 0.5)/0.5 in float32); SpikingJelly's
predictions are out/sj-predictions.npy (argmax of the readout summed over the steps), snnc's the
argmax of its `logits` [T, N, 10] summed over T.
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_sj_vgg import DATA, load  # noqa: E402

CHUNK = 2000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["write", "compare"])
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--data-dir", default=DATA)
    args = parser.parse_args()
    if args.action == "write":
        x, _ = load("test", args.data_dir)
        for k in range(0, x.shape[0], CHUNK):
            with h5py.File(os.path.join(args.out_dir, f"images-{k // CHUNK}.h5"), "w") as f:
                f.create_dataset("images", data=x[k: k + CHUNK].numpy().astype(np.float32))
        print(f"wrote {x.shape[0]} images {tuple(x.shape[1:])} in files of {CHUNK}")
        return
    _, y = load("test", args.data_dir)
    sj = np.load(os.path.join(args.out_dir, "sj-predictions.npy"))
    parts = []
    for k in range((len(sj) + CHUNK - 1) // CHUNK):
        with h5py.File(os.path.join(args.out_dir, f"snnc-outputs-{k}.h5"), "r") as f:
            parts.append(f["logits"][...].sum(0).argmax(1))
    snnc = np.concatenate(parts)
    labels = y.numpy()
    result = {"images": int(len(sj)), "equal_predictions": int((sj == snnc).sum()),
              "spikingjelly_correct": int((sj == labels).sum()), "snnc_correct": int((snnc == labels).sum()),
              "first_differing_images": [int(i) for i in np.nonzero(sj != snnc)[0][:10]]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
