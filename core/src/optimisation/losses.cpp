#include "impasto/losses.h"

namespace impasto {

torch::Tensor gram_matrix(const torch::Tensor& features) {
  const auto n = features.size(0), c = features.size(1);
  const auto hw = features.size(2) * features.size(3);
  auto f = features.reshape({n, c, hw});
  return torch::bmm(f, f.transpose(1, 2)) / static_cast<double>(c * hw);
}

double squared_error_normaliser(double target_square_sum, double count, LossScale scale) {
  // Normalised: relative squared error; the epsilon keeps an all-zero target finite.
  return scale == LossScale::Mean ? count : target_square_sum + 1e-8;
}

namespace {
torch::Tensor scaled_squared_error(const torch::Tensor& x, const torch::Tensor& target, LossScale scale) {
  auto diff = (x - target).pow(2);
  if (scale == LossScale::Mean) return diff.mean();
  return diff.sum() / (target.pow(2).sum() + 1e-8);
}
}  // namespace

torch::Tensor content_loss(const torch::Tensor& features, const torch::Tensor& target, LossScale scale) {
  return scaled_squared_error(features, target, scale);
}

torch::Tensor style_loss(const torch::Tensor& gram, const torch::Tensor& target_gram, LossScale scale) {
  return scaled_squared_error(gram, target_gram, scale);
}

torch::Tensor total_variation_loss(const torch::Tensor& image) {
  using torch::indexing::Slice;
  auto dy = image.index({Slice(), Slice(), Slice(1, torch::indexing::None), Slice()}) -
            image.index({Slice(), Slice(), Slice(torch::indexing::None, -1), Slice()});
  auto dx = image.index({Slice(), Slice(), Slice(), Slice(1, torch::indexing::None)}) -
            image.index({Slice(), Slice(), Slice(), Slice(torch::indexing::None, -1)});
  auto loss = torch::zeros({}, image.options());
  if (dy.numel() > 0) loss = loss + dy.pow(2).mean();
  if (dx.numel() > 0) loss = loss + dx.pow(2).mean();
  return loss;
}

}  // namespace impasto
