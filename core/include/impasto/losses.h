// The Gatys et al. losses, as plain functions on tensors.
#pragma once

#include <torch/torch.h>

namespace impasto {

// Gram matrix of N x C x H x W features: F F^T / (C H W), shape N x C x C.
torch::Tensor gram_matrix(const torch::Tensor& features);

// How a loss term is scaled. Normalised divides the squared error by the
// squared magnitude of the target, so every layer contributes on the same
// scale whatever its depth (the default). Mean is the plain mean squared
// error of the original formulation.
enum class LossScale { Normalised, Mean };

// What a sum of squared errors is divided by under `scale`, given the sum of
// the target's squares and its number of elements: content_loss and
// style_loss are exactly sum((x - target)^2) / squared_error_normaliser.
double squared_error_normaliser(double target_square_sum, double count, LossScale scale);

torch::Tensor content_loss(const torch::Tensor& features, const torch::Tensor& target, LossScale scale);
torch::Tensor style_loss(const torch::Tensor& gram, const torch::Tensor& target_gram, LossScale scale);
// Mean squared difference between neighbouring pixels, both directions.
torch::Tensor total_variation_loss(const torch::Tensor& image);

// A colour distribution, for matching a whole palette rather than the second
// moments a Gram matrix sees (mixed with texture there, so a painting of a
// cream sky and blue waves is met with beige-grey; Risser et al. 2017 make
// the same point with histogram losses). The pixels of `images` (N x 3 x H x
// W, all pooled) projected on `directions` (K x 3, unit rows), each row
// sorted: K x (N H W).
torch::Tensor sorted_colour_projections(const torch::Tensor& images, const torch::Tensor& directions);
// Sliced Wasserstein distance between the colours of `images` and a
// palette given as its sorted_colour_projections on the same directions:
// the mean squared difference of the sorted projections, the palette's
// resampled at the images' quantiles. 0 for the palette's own pixels in any
// order or arrangement.
torch::Tensor sliced_colour_distance(const torch::Tensor& images, const torch::Tensor& directions,
                                     const torch::Tensor& palette_projections);

}  // namespace impasto
