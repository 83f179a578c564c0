#include "images/tensor_image.h"

#include "impasto/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace impasto {

namespace {

void check_image(const Image& image) {
  if (image.empty() || image.channels < 1 || image.channels > 4 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels)
    throw Error(IMPASTO_N_("The image is empty or its pixel data does not match its size."));
}

// A view (no copy) of the rectangle as h x w x C.
torch::Tensor region_view(const Image& image, int64_t y, int64_t x, int64_t h, int64_t w) {
  if (y < 0 || x < 0 || h < 0 || w < 0 || y + h > image.height || x + w > image.width)
    throw Error("internal: region outside the image");
  const int64_t c = image.channels;
  float* start = const_cast<float*>(image.pixels.data()) + (y * image.width + x) * c;
  return torch::from_blob(start, {h, w, c}, {image.width * c, c, 1}, torch::kFloat);
}

}  // namespace

torch::Tensor image_to_tensor(const Image& image) { return region_to_tensor(image, 0, 0, image.height, image.width); }

torch::Tensor image_view(const Image& image) {
  check_image(image);
  return region_view(image, 0, 0, image.height, image.width).permute({2, 0, 1}).unsqueeze(0);
}

torch::Tensor region_to_tensor(const Image& image, int64_t y, int64_t x, int64_t h, int64_t w) {
  check_image(image);
  // clone(), not contiguous(): a one-channel view is already contiguous,
  // and contiguous() would hand back the view itself instead of a copy.
  return region_view(image, y, x, h, w).permute({2, 0, 1}).unsqueeze(0).clone(at::MemoryFormat::Contiguous);
}

void write_region(Image& image, const torch::Tensor& tensor, int64_t y, int64_t x) {
  check_image(image);
  auto t = tensor.detach().to(torch::kCPU, torch::kFloat).clamp(0.0, 1.0).squeeze(0).permute({1, 2, 0});
  region_view(image, y, x, t.size(0), t.size(1)).copy_(t);
}

torch::Tensor reduced_color(const Image& image, int64_t side) {
  check_image(image);
  const int64_t h = image.height, w = image.width;
  // Average k x k blocks band by band down to at most twice the target,
  // then resample the small result.
  const int64_t k = std::max<int64_t>(1, std::max(h, w) / (2 * std::max<int64_t>(side, 1)));
  const int64_t bh = std::max<int64_t>(1, h / k), bw = std::max<int64_t>(1, w / k);
  auto blocks = torch::empty({1, 3, bh, bw});
  const int64_t rows_per_band = std::max<int64_t>(k, (4 << 20) / std::max<int64_t>(1, w * image.channels) / k * k);
  for (int64_t by = 0; by < bh;) {
    const int64_t n = std::min(bh - by, std::max<int64_t>(1, rows_per_band / k));
    auto band = color_channels(region_to_tensor(image, by * k, 0, n * k, bw * k));
    blocks.narrow(2, by, n).copy_(k > 1 ? torch::avg_pool2d(band, k) : band);
    by += n;
  }
  // The blocks stand for the whole picture: fit its shape, not theirs.
  const double f = std::min(1.0, static_cast<double>(side) / static_cast<double>(std::max(h, w)));
  return resize(blocks, std::max<int64_t>(1, std::llround(h * f)), std::max<int64_t>(1, std::llround(w * f)));
}

Image tensor_to_image(const torch::Tensor& tensor) {
  auto t = tensor.detach().to(torch::kCPU, torch::kFloat).clamp(0.0, 1.0).squeeze(0).permute({1, 2, 0}).contiguous();
  Image out(static_cast<int>(t.size(1)), static_cast<int>(t.size(0)), static_cast<int>(t.size(2)));
  std::memcpy(out.pixels.data(), t.data_ptr<float>(), out.pixels.size() * sizeof(float));
  return out;
}

torch::Tensor color_channels(const torch::Tensor& image) {
  const auto c = image.size(1);
  if (c >= 3) return image.narrow(1, 0, 3);
  return image.narrow(1, 0, 1).expand({-1, 3, -1, -1}).contiguous();
}

torch::Tensor alpha_channel(const torch::Tensor& image) {
  const auto c = image.size(1);
  if (c == 2 || c == 4) return image.narrow(1, c - 1, 1);
  return {};
}

torch::Tensor resize(const torch::Tensor& image, int64_t height, int64_t width) {
  if (image.size(2) == height && image.size(3) == width) return image;
  namespace F = torch::nn::functional;
  const bool shrinking = height < image.size(2) || width < image.size(3);
  auto out = F::interpolate(image, F::InterpolateFuncOptions()
                                       .size(std::vector<int64_t>{height, width})
                                       .mode(torch::kBicubic)
                                       .align_corners(false)
                                       .antialias(shrinking));
  return out.clamp(0.0, 1.0);
}

torch::Tensor shrink_to_fit(const torch::Tensor& image, int64_t side) {
  const int64_t h = image.size(2), w = image.size(3);
  const double f = std::min(1.0, static_cast<double>(side) / static_cast<double>(std::max(h, w)));
  return resize(image, std::max<int64_t>(1, std::llround(h * f)), std::max<int64_t>(1, std::llround(w * f)));
}

}  // namespace impasto
