// The picture Gatys optimises, held as a Laplacian-style pyramid: a full-size
// level plus coarser levels that are upsampled and added. The picture is
// the same; what changes is the gradient the optimiser sees — a coarse
// sample gathers the gradient of every pixel it covers, so broad changes
// (colour fields, large strokes) move as fast as fine texture instead of
// needing hundreds of small pixel steps. L-BFGS's curvature estimate covers
// only its recent steps, so this preconditioning is what it lacks.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace impasto {

class ImagePyramid {
 public:
  // Starts at `image` (N x C x H x W): the full-size level holds it, the
  // coarser ones start at zero. Levels are added while the coarsest side
  // stays at least `min_side`, at most `max_levels` in all; level k (1 is
  // half size) is weighted gain^k.
  ImagePyramid(const torch::Tensor& image, int max_levels, double gain, int64_t min_side = 16);

  // The picture the levels add up to (differentiable in the levels).
  torch::Tensor picture() const;
  const std::vector<torch::Tensor>& levels() const { return levels_; }

 private:
  std::vector<torch::Tensor> levels_;
  std::vector<double> weights_;
};

}  // namespace impasto
