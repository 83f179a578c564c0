// Helpers shared by the core tests.
#pragma once

#include "impasto/image.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>

namespace impasto::test {

inline bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// ../shared beside the source tree (or $IMPASTO_SHARED): real models and data.
inline std::string shared_dir() {
  if (const char* s = std::getenv("IMPASTO_SHARED"); s && *s) return s;
  return IMPASTO_TEST_SHARED_DIR;
}

inline std::string darknet_model_json() { return shared_dir() + "/models/darknet-tiny/model.json"; }

// Fixtures written by tests/python/make_fixtures.py (python3-torch).
inline std::string fixture(const std::string& name) { return std::string(IMPASTO_TEST_FIXTURE_DIR) + "/" + name; }

#define IMPASTO_REQUIRE_SHARED()                                                                        \
  do {                                                                                                  \
    if (!::impasto::test::exists(::impasto::test::darknet_model_json()))                                 \
      GTEST_SKIP() << "../shared is absent (" << ::impasto::test::shared_dir()                           \
                   << "): the real Tiny Darknet model is needed for this test";                          \
  } while (0)

#define IMPASTO_REQUIRE_FIXTURES()                                                                      \
  do {                                                                                                  \
    if (!::impasto::test::exists(::impasto::test::fixture("reference-losses.json")))                     \
      GTEST_SKIP() << "PyTorch fixtures are absent: /usr/bin/python3 with torch and torchvision "        \
                      "writes them (tests/python/make_fixtures.py)";                                     \
  } while (0)

inline torch::Tensor read_raw(const std::string& path, std::vector<int64_t> shape) {
  std::ifstream in(path, std::ios::binary);
  auto t = torch::empty(shape, torch::kFloat);
  in.read(reinterpret_cast<char*>(t.data_ptr<float>()), t.numel() * sizeof(float));
  EXPECT_TRUE(in.good()) << path;
  return t;
}

// A smooth synthetic photo: gradients and a few shapes, deterministic.
inline Image synthetic_photo(int w, int h, int channels = 3) {
  Image img(w, h, channels);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float u = static_cast<float>(x) / w, v = static_cast<float>(y) / h;
      const bool disc = (u - 0.6f) * (u - 0.6f) + (v - 0.4f) * (v - 0.4f) < 0.05f;
      img.at(x, y, 0) = disc ? 0.9f : 0.2f + 0.6f * u;
      if (channels >= 3) {
        img.at(x, y, 1) = disc ? 0.3f : 0.3f + 0.4f * v;
        img.at(x, y, 2) = disc ? 0.1f : 0.8f - 0.5f * u * v;
      }
      if (channels == 2 || channels == 4) img.at(x, y, channels - 1) = u;  // alpha ramp
    }
  return img;
}

// A strongly textured "painting": coloured stripes and dots.
inline Image synthetic_style(int w, int h) {
  Image img(w, h, 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const bool stripe = ((x + 2 * y) / 5) % 2 == 0;
      const bool dot = (x % 9 - 4) * (x % 9 - 4) + (y % 9 - 4) * (y % 9 - 4) < 6;
      img.at(x, y, 0) = dot ? 1.0f : (stripe ? 0.9f : 0.1f);
      img.at(x, y, 1) = dot ? 0.9f : (stripe ? 0.5f : 0.2f);
      img.at(x, y, 2) = dot ? 0.0f : (stripe ? 0.1f : 0.7f);
    }
  return img;
}

// 1 x C x H x W copy of an image (the core's own conversion is internal).
inline torch::Tensor image_to_tensor_for_test(const Image& img) {
  return torch::from_blob(const_cast<float*>(img.pixels.data()), {img.height, img.width, img.channels})
      .permute({2, 0, 1}).unsqueeze(0).contiguous();
}

inline double mean_abs_diff(const Image& a, const Image& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) s += std::abs(a.pixels[i] - b.pixels[i]);
  return s / static_cast<double>(a.pixels.size());
}

}  // namespace impasto::test
