// Data movement on channels_last (NHWC) float tensors, written out because
// ATen's generic pad and pixel-shuffle copies ran 3-5x slower than memory
// bandwidth on them (docs/benchmarks.md). Internal to core.
#pragma once

#include <torch/torch.h>

namespace impasto {

// Zero padding; x must be a channels_last float CPU tensor. Returns channels_last.
torch::Tensor pad_nhwc(const torch::Tensor& x, int64_t left, int64_t right, int64_t top, int64_t bottom);

// Depth to space with the phase outermost: channel (py * 2 + px) * C + c of
// x (N x 4C x H x W) becomes channel c of pixel (2h + py, 2w + px).
torch::Tensor depth_to_space_nhwc(const torch::Tensor& x);

// The inverse: N x C x 2H x 2W -> N x 4C x H x W, same channel order.
torch::Tensor space_to_depth_nhwc(const torch::Tensor& x);

}  // namespace impasto
