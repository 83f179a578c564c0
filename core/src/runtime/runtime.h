// Where and how wide a run computes (internal to core): one place for the
// thread count and the device string, shared by every method.
#pragma once

#include <torch/torch.h>

#include <string>

namespace impasto {

// Sets LibTorch's intra-op threads: `requested`, or every core when 0
// (OpenMP starts with one thread otherwise).
void use_threads(int requested);

// "cpu", "cuda:0", ...; impasto::Error for unknown names and for CUDA when
// this LibTorch build has no usable CUDA device.
torch::Device parse_device(const std::string& name);

}  // namespace impasto
