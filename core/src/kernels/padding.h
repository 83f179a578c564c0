// Mirror padding for the style networks (internal to core).
#pragma once

#include <torch/torch.h>

#include <functional>

namespace impasto {

// Pads N x C x H x W by mirroring; pictures too small to mirror that far
// (reflection needs more pixels than it adds) repeat their edge instead.
inline torch::Tensor mirror_pad(const torch::Tensor& x, int64_t left, int64_t right, int64_t top, int64_t bottom) {
  if (!left && !right && !top && !bottom) return x;
  namespace F = torch::nn::functional;
  auto options = F::PadFuncOptions({left, right, top, bottom});
  if (std::max(left, right) < x.size(3) && std::max(top, bottom) < x.size(2))
    options.mode(torch::kReflect);
  else
    options.mode(torch::kReplicate);
  return F::pad(x, options);
}

// Pads on the right and bottom up to multiples of `multiple`.
inline torch::Tensor pad_to_multiple(const torch::Tensor& x, int64_t multiple) {
  return mirror_pad(x, 0, (multiple - x.size(3) % multiple) % multiple, 0, (multiple - x.size(2) % multiple) % multiple);
}

// Networks that halve and double the size need multiples of a power of 2:
// pad, run, and crop back, so any size comes out as it went in.
inline torch::Tensor run_at_multiple(const torch::Tensor& image, int64_t multiple,
                                     const std::function<torch::Tensor(const torch::Tensor&)>& run) {
  return run(pad_to_multiple(image, multiple)).narrow(2, 0, image.size(2)).narrow(3, 0, image.size(3));
}

}  // namespace impasto
