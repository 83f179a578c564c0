#include "images/compose.h"

#include "images/tensor_image.h"

namespace impasto {

torch::Tensor compose(const torch::Tensor& styled, const torch::Tensor& input, const torch::Tensor& mask,
                      const Composition& composition) {
  c10::InferenceMode inference;
  auto content = color_channels(input);
  auto out = styled.clamp(0.0, 1.0);
  if (composition.preserve_colors == ColorPreservation::Luminance) {
    auto y = rgb_to_yiq(out).narrow(1, 0, 1);
    auto iq = rgb_to_yiq(content).narrow(1, 1, 2);
    out = yiq_to_rgb(torch::cat({y, iq}, 1)).clamp(0.0, 1.0);
  } else if (composition.preserve_colors == ColorPreservation::Histogram) {
    out = composition.histogram.defined() ? composition.histogram.apply(out) : match_color_statistics(out, content);
  }
  if (composition.strength < 1.0) out = out * composition.strength + content * (1.0 - composition.strength);
  if (mask.defined()) {
    auto m = mask.to(input.device()).clamp(0.0, 1.0);
    out = out * m + content * (1.0 - m);
  }
  if (input.size(1) <= 2) out = rgb_to_yiq(out).narrow(1, 0, 1);  // grey in, grey out
  if (auto alpha = alpha_channel(input); alpha.defined()) out = torch::cat({out, alpha}, 1);
  return out;
}

Image compose_result(const torch::Tensor& styled, const torch::Tensor& input, const Image& mask,
                     const Composition& composition) {
  c10::InferenceMode inference;
  auto out = resize(styled.clamp(0.0, 1.0), input.size(2), input.size(3));
  return tensor_to_image(compose(out, input, mask.empty() ? torch::Tensor() : image_to_tensor(mask), composition));
}

}  // namespace impasto
