// Colour preservation (Gatys et al. 2016, "Preserving color in neural
// artistic style transfer") on N x 3 x H x W RGB tensors in [0, 1].
#pragma once

#include <torch/torch.h>

namespace impasto {

enum class ColorPreservation {
  None,
  Luminance,  // transfer on luminance only; keep the content's chroma
  Histogram,  // match the style's colour mean and covariance to the content
};

torch::Tensor rgb_to_yiq(const torch::Tensor& rgb);
torch::Tensor yiq_to_rgb(const torch::Tensor& yiq);

// Affine colour transform of `source` so its per-channel mean and 3x3
// covariance equal those of `reference`.
torch::Tensor match_color_statistics(const torch::Tensor& source, const torch::Tensor& reference);

// The same transform, measured once (for instance on reduced pictures) and
// applied to any part of the picture: x -> matrix (x - from) + to, clamped.
struct ColorTransform {
  torch::Tensor matrix, from, to;  // 3 x 3, 3 x 1, 3 x 1 (double)
  bool defined() const { return matrix.defined(); }
  torch::Tensor apply(const torch::Tensor& rgb) const;
};
ColorTransform color_statistics_transform(const torch::Tensor& source, const torch::Tensor& reference);

// Luminance of `source`, shifted and scaled to the mean and standard deviation
// of the luminance of `reference`, as a grey 3-channel RGB image.
torch::Tensor matched_luminance(const torch::Tensor& source, const torch::Tensor& reference);

}  // namespace impasto
