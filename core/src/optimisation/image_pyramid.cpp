#include "optimisation/image_pyramid.h"

#include <cmath>

namespace impasto {

ImagePyramid::ImagePyramid(const torch::Tensor& image, int max_levels, double gain, int64_t min_side) {
  levels_.push_back(image.detach().clone().contiguous().set_requires_grad(true));
  weights_.push_back(1.0);
  const int64_t h = image.size(2), w = image.size(3);
  for (int k = 1; k < max_levels; ++k) {
    const int64_t lh = (h + (int64_t{1} << k) - 1) >> k, lw = (w + (int64_t{1} << k) - 1) >> k;
    if (std::min(lh, lw) < min_side) break;
    levels_.push_back(torch::zeros({image.size(0), image.size(1), lh, lw}, image.options()).set_requires_grad(true));
    weights_.push_back(std::pow(gain, k));
  }
}

torch::Tensor ImagePyramid::picture() const {
  auto x = levels_.front();
  const std::vector<int64_t> size{x.size(2), x.size(3)};
  for (std::size_t k = 1; k < levels_.size(); ++k)
    x = x + weights_[k] * torch::nn::functional::interpolate(
                              levels_[k], torch::nn::functional::InterpolateFuncOptions()
                                              .size(size)
                                              .mode(torch::kBilinear)
                                              .align_corners(false));
  return x;
}

}  // namespace impasto
