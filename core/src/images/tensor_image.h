// Conversions between impasto::Image and tensors (internal to core).
#pragma once

#include "impasto/image.h"

#include <torch/torch.h>

namespace impasto {

// 1 x C x H x W float tensor holding a copy of the image's channels.
torch::Tensor image_to_tensor(const Image& image);
// The same without the copy: a strided (channels-last) view of the image's
// pixels, valid while the image lives and never to be written through.
torch::Tensor image_view(const Image& image);
// The same for the rectangle at (x, y) of size w x h, which must lie inside.
torch::Tensor region_to_tensor(const Image& image, int64_t y, int64_t x, int64_t h, int64_t w);
// Copies 1 x C x h x w (C = image.channels), clamped to [0, 1], into the
// image at (x, y).
void write_region(Image& image, const torch::Tensor& tensor, int64_t y, int64_t x);
// The colour part of the whole image reduced so its longer side is at most
// `side` (antialiased), without converting the whole image at once.
torch::Tensor reduced_color(const Image& image, int64_t side);
// 1 x C x H x W (any device, any float type) -> Image, values clamped to [0, 1].
Image tensor_to_image(const torch::Tensor& tensor);

// Colour part of an image as 1 x 3 x H x W (grey is replicated).
torch::Tensor color_channels(const torch::Tensor& image);
// Alpha part (1 x 1 x H x W) or an undefined tensor when there is none.
torch::Tensor alpha_channel(const torch::Tensor& image);

// Resample to h x w: antialiased when shrinking, bicubic, clamped to [0, 1].
torch::Tensor resize(const torch::Tensor& image, int64_t height, int64_t width);
// Shrinks so the longer side is at most `side` (never enlarges).
torch::Tensor shrink_to_fit(const torch::Tensor& image, int64_t side);

}  // namespace impasto
