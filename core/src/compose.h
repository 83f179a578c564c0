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
};

// styled: 1 x 3 x h x w in [0, 1] at any size; input: the original as
// image_to_tensor gave it (1, 2, 3 or 4 channels); mask: empty or 1 channel
// of the input's size. Returns an Image with the input's channel layout.
Image compose_result(const torch::Tensor& styled, const torch::Tensor& input, const Image& mask,
                     const Composition& composition);

}  // namespace impasto
