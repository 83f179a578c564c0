#!/usr/bin/python3
"""Convert torchvision's vgg19-dcbb9e9d.pth (legacy pickle, 548 MB) into the
plain features-only state dict in zip format that Impasto's core reads
(LibTorch's C++ unpickler cannot read OrderedDict or the legacy format)."""
import sys

import torch


def main(source, dest):
    state = torch.load(source, map_location="cpu")
    features = {k: v.float().contiguous() for k, v in state.items() if k.startswith("features.")}
    if len(features) != 32:
        sys.exit("%s is not a torchvision VGG-19 checkpoint (%d feature tensors)" % (source, len(features)))
    torch.save(features, dest)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
