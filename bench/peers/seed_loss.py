#!/usr/bin/python3
"""Scores pictures with the seed's own loss (tests/python/reference_gatys.py,
the weights and inputs seed_gatys.py wrote to WORK), so that bench/run
compares Impasto and the seed on one objective: Impasto optimises through
mirror padding, which changes its loss slightly.

  seed_loss.py WORK IMAGE.f32...

Each IMAGE is H x W x 3 float32 at the content's size (impasto-bench-gatys
writes them with IMPASTO_BENCH_DUMP). Prints one JSON line per image."""
import json
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "python"))
import reference_gatys as seed  # noqa: E402


def read(path, shape):
    h, w = shape
    a = np.fromfile(path, dtype="<f4")
    if a.size != h * w * 3:
        sys.exit("%s: %d values, expected %d x %d x 3" % (path, a.size, h, w))
    return torch.from_numpy(a.reshape(h, w, 3)).permute(2, 0, 1).unsqueeze(0).contiguous()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    work = sys.argv[1]
    torch.set_num_threads(os.cpu_count())
    with open(os.path.join(work, "inputs.json")) as f:
        inputs = json.load(f)
    model = torchvision.models.vgg19()
    model.load_state_dict(torch.load(os.path.join(work, "vgg19", "vgg19.pth")))
    features = model.features.eval()
    content = read(os.path.join(work, "content.f32"), inputs["content"])
    style = read(os.path.join(work, "style.f32"), inputs["style"])
    for path in sys.argv[2:]:
        scores = seed.losses(features, content, style, read(path, inputs["content"]), inputs["weights"])
        print(json.dumps(dict(image=path, **scores)), flush=True)


if __name__ == "__main__":
    main()
