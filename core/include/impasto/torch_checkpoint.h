// Reads PyTorch checkpoints (torch.save of a state dict) without running
// any code from the file: a restricted unpickler that knows only the few
// objects a state dict is made of (dicts, OrderedDict, tuples, numbers,
// strings and tensors rebuilt from storages). Both the zip format (PyTorch
// >= 1.6) and the legacy format (e.g. torchvision's vgg19-dcbb9e9d.pth) are
// read. LibTorch's own C++ unpickler reads OrderedDict as None, which is why
// this exists.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>

namespace impasto {

// Every tensor of the checkpoint's (possibly nested) dict, keyed by its
// dotted path ("features.0.weight"; "state_dict." prefixes are kept).
// Throws impasto::Error naming the file and what was wrong.
std::map<std::string, torch::Tensor> read_torch_state_dict(const std::string& path);

// Walks every pickle of a PyTorch zip archive (a TorchScript model) and
// checks that each length it declares lies within its record, before
// LibTorch's own unpickler reads it: that unpickler allocates what a length
// field says (found by tests/fuzz). impasto::Error names what is damaged.
void check_archive_pickles(const std::string& path);

}  // namespace impasto
