// The last step shared by every method (internal to core): bring the styled
// picture back to the input's size and compose colour preservation,
// strength, the mask and the alpha channel there.
#pragma once

#include "impasto/color.h"
#include "impasto/image.h"

#include <torch/torch.h>

namespace impasto {

struct Composition {
  ColorPreservation preserve_colors = ColorPreservation::None;
  double strength = 1.0;  // 0 keeps the original, 1 is the full style
  // Histogram only: measured on the whole styled and content pictures (or
  // reduced copies of them), so that bands of a picture match alike. When
  // undefined, compose() measures it on what it is given.
  ColorTransform histogram;
};

// styled: 1 x 3 x h x w in [0, 1], the input's size; input: the original
// as image_to_tensor gave it (1, 2, 3 or 4 channels) or a band of it; mask:
// undefined or 1 x 1 x h x w. Returns the input's channel layout.
torch::Tensor compose(const torch::Tensor& styled, const torch::Tensor& input, const torch::Tensor& mask,
                      const Composition& composition);

// Whole pictures: styled at any size is resampled to the input's; mask is
// empty or 1 channel of the input's size.
Image compose_result(const torch::Tensor& styled, const torch::Tensor& input, const Image& mask,
                     const Composition& composition);

}  // namespace impasto
