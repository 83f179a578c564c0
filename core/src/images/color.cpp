#include "impasto/color.h"

namespace impasto {
namespace {
// NTSC YIQ; luminance Y separates cleanly from the two chroma channels.
torch::Tensor yiq_matrix() {
  return torch::tensor({0.299f, 0.587f, 0.114f,
                        0.595716f, -0.274453f, -0.321263f,
                        0.211456f, -0.522591f, 0.311135f}).view({3, 3});
}
torch::Tensor apply_matrix(const torch::Tensor& m, const torch::Tensor& img) {
  return torch::einsum("ij,njhw->nihw", {m.to(img.options()), img});
}
}  // namespace

torch::Tensor rgb_to_yiq(const torch::Tensor& rgb) { return apply_matrix(yiq_matrix(), rgb); }
torch::Tensor yiq_to_rgb(const torch::Tensor& yiq) { return apply_matrix(torch::inverse(yiq_matrix()), yiq); }

ColorTransform color_statistics_transform(const torch::Tensor& source, const torch::Tensor& reference) {
  auto flat = [](const torch::Tensor& t) { return t.reshape({3, -1}).to(torch::kDouble); };
  auto s = flat(source), r = flat(reference);
  auto mu_s = s.mean(1, true), mu_r = r.mean(1, true);
  auto cov = [](const torch::Tensor& x, const torch::Tensor& mu) {
    auto c = x - mu;
    return c.matmul(c.t()) / static_cast<double>(x.size(1)) + torch::eye(3, x.options()) * 1e-5;
  };
  // Symmetric square roots via eigen-decomposition: A = Cr^1/2 Cs^-1/2.
  auto sqrt_m = [](const torch::Tensor& c, bool inverse) {
    auto [values, vectors] = torch::linalg::eigh(c, "L");
    auto d = values.clamp_min(1e-10).sqrt();
    if (inverse) d = 1.0 / d;
    return vectors.matmul(torch::diag(d)).matmul(vectors.t());
  };
  return {sqrt_m(cov(r, mu_r), false).matmul(sqrt_m(cov(s, mu_s), true)), mu_s, mu_r};
}

torch::Tensor ColorTransform::apply(const torch::Tensor& rgb) const {
  auto x = rgb.reshape({3, -1}).to(torch::kDouble);
  auto out = matrix.to(x.device()).matmul(x - from.to(x.device())) + to.to(x.device());
  return out.reshape(rgb.sizes()).to(rgb.scalar_type()).clamp(0.0, 1.0);
}

torch::Tensor match_color_statistics(const torch::Tensor& source, const torch::Tensor& reference) {
  return color_statistics_transform(source, reference).apply(source);
}

torch::Tensor matched_luminance(const torch::Tensor& source, const torch::Tensor& reference) {
  auto ys = rgb_to_yiq(source).narrow(1, 0, 1);
  auto yr = rgb_to_yiq(reference).narrow(1, 0, 1);
  auto y = (ys - ys.mean()) / (ys.std() + 1e-6) * yr.std() + yr.mean();
  return y.clamp(0.0, 1.0).expand({-1, 3, -1, -1}).contiguous();
}

}  // namespace impasto
