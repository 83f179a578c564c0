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

torch::Tensor sorted_colour_projections(const torch::Tensor& images, const torch::Tensor& directions) {
  auto pixels = images.permute({1, 0, 2, 3}).reshape({images.size(1), -1});  // 3 x (N H W)
  return std::get<0>(directions.matmul(pixels).sort(1));
}

torch::Tensor sliced_colour_distance(const torch::Tensor& images, const torch::Tensor& directions,
                                     const torch::Tensor& palette_projections) {
  auto sorted = sorted_colour_projections(images, directions);
  const int64_t n = sorted.size(1), m = palette_projections.size(1);
  // The palette's value at each of the images' quantiles (i + 0.5) / n:
  // index floor((2i + 1) m / 2n), always below m.
  auto at = (torch::arange(n, torch::TensorOptions().dtype(torch::kLong).device(palette_projections.device())) * 2 + 1)
                .mul_(m)
                .div_(2 * n, "floor");
  return torch::mse_loss(sorted, palette_projections.index_select(1, at));
}

}  // namespace impasto
