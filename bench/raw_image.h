// Raw float RGB files (height x width x 3, as numpy's tofile writes them):
// how the benchmark drivers hand pictures to the C++ benchmarks.
#pragma once

#include "impasto/image.h"

#include <fstream>
#include <stdexcept>
#include <string>

namespace impasto::bench {

inline Image read_raw(const std::string& path, int height, int width) {
  Image image(width, height, 3);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(image.pixels.data()), static_cast<std::streamsize>(image.pixels.size() * sizeof(float)));
  if (!in) throw std::runtime_error("cannot read " + path);
  return image;
}

}  // namespace impasto::bench
