// Plain images that cross the core's boundary: no tensors, no toolkit types.
#pragma once

#include <cstddef>
#include <vector>

namespace impasto {

// Interleaved float pixels, row-major, values in [0, 1] (non-linear sRGB).
// channels is 1 (mask), 3 (RGB) or 4 (RGBA, alpha not premultiplied).
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> pixels;

  Image() = default;
  Image(int w, int h, int c)
      : width(w), height(h), channels(c),
        pixels(static_cast<std::size_t>(w) * h * c, 0.0f) {}

  bool empty() const { return width <= 0 || height <= 0 || pixels.empty(); }
  float& at(int x, int y, int c) {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c];
  }
  float at(int x, int y, int c) const {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c];
  }
};

}  // namespace impasto
