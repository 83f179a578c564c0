#include "tensor_image.h"

#include "impasto/error.h"

#include <cstring>

namespace impasto {

torch::Tensor image_to_tensor(const Image& image) {
  if (image.empty() || image.channels < 1 || image.channels > 4 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels)
    throw Error(IMPASTO_N_("The image is empty or its pixel data does not match its size."));
  auto t = torch::from_blob(const_cast<float*>(image.pixels.data()),
                            {image.height, image.width, image.channels}, torch::kFloat);
  return t.permute({2, 0, 1}).unsqueeze(0).contiguous();  // contiguous() copies
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

}  // namespace impasto
