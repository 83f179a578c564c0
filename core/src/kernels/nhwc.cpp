#include "kernels/nhwc.h"

#include "impasto/error.h"

#include <ATen/Parallel.h>

#include <cstring>

namespace impasto {
namespace {

void check_nhwc(const torch::Tensor& x) {
  if (x.dim() != 4 || !x.device().is_cpu() || x.scalar_type() != torch::kFloat ||
      !x.is_contiguous(at::MemoryFormat::ChannelsLast))
    throw Error("internal: expected a channels_last float CPU tensor");
}

torch::Tensor empty_nhwc(int64_t n, int64_t c, int64_t h, int64_t w, const torch::Tensor& like) {
  return torch::empty({n, c, h, w}, like.options().memory_format(at::MemoryFormat::ChannelsLast));
}

}  // namespace

torch::Tensor pad_nhwc(const torch::Tensor& x, int64_t left, int64_t right, int64_t top, int64_t bottom) {
  check_nhwc(x);
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t oh = h + top + bottom, ow = w + left + right;
  auto out = empty_nhwc(n, c, oh, ow, x);
  const float* src = x.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, n * oh, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t image = r / oh, y = r % oh - top;
      float* row = dst + r * ow * c;
      if (y < 0 || y >= h) {
        std::memset(row, 0, sizeof(float) * ow * c);
        continue;
      }
      std::memset(row, 0, sizeof(float) * left * c);
      std::memcpy(row + left * c, src + (image * h + y) * w * c, sizeof(float) * w * c);
      std::memset(row + (left + w) * c, 0, sizeof(float) * right * c);
    }
  });
  return out;
}

torch::Tensor depth_to_space_nhwc(const torch::Tensor& x) {
  check_nhwc(x);
  if (x.size(1) % 4 != 0) throw Error("internal: depth_to_space_nhwc needs a multiple of 4 channels");
  const int64_t n = x.size(0), c4 = x.size(1), h = x.size(2), w = x.size(3), c = c4 / 4;
  auto out = empty_nhwc(n, c, 2 * h, 2 * w, x);
  const float* src = x.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, n * 2 * h, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t image = r / (2 * h), oy = r % (2 * h), y = oy / 2, py = oy % 2;
      const float* in_row = src + (image * h + y) * w * c4;
      float* out_row = dst + r * 2 * w * c;
      for (int64_t ox = 0; ox < 2 * w; ++ox)
        std::memcpy(out_row + ox * c, in_row + (ox / 2) * c4 + (py * 2 + ox % 2) * c, sizeof(float) * c);
    }
  });
  return out;
}

torch::Tensor space_to_depth_nhwc(const torch::Tensor& x) {
  check_nhwc(x);
  if (x.size(2) % 2 != 0 || x.size(3) % 2 != 0) throw Error("internal: space_to_depth_nhwc needs an even size");
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2) / 2, w = x.size(3) / 2, c4 = 4 * c;
  auto out = empty_nhwc(n, c4, h, w, x);
  const float* src = x.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, n * 2 * h, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t image = r / (2 * h), iy = r % (2 * h), y = iy / 2, py = iy % 2;
      const float* in_row = src + r * 2 * w * c;
      float* out_row = dst + (image * h + y) * w * c4;
      for (int64_t ix = 0; ix < 2 * w; ++ix)
        std::memcpy(out_row + (ix / 2) * c4 + (py * 2 + ix % 2) * c, in_row + ix * c, sizeof(float) * c);
    }
  });
  return out;
}

}  // namespace impasto
