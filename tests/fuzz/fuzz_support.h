// Shared by the libFuzzer targets: a private scratch folder, and the packing
// of several files into one fuzz input so that a manifest and its weight
// files are mutated together.
//
// Packed format, repeated until the input ends:
//   name '\n'  (1-64 characters of [A-Za-z0-9._-], never "." or "..")
//   u32 little-endian length, then that many bytes
// A record that does not fit this is dropped with everything after it, so
// any input is valid and nothing is ever written outside the folder.
#pragma once

#include "impasto/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace impasto_fuzz {

namespace fs = std::filesystem;

// One folder per process, emptied before each input.
inline const fs::path& scratch_folder() {
  static const fs::path folder = [] {
    std::string base = (fs::temp_directory_path() / "impasto-fuzz-XXXXXX").string();
    if (!::mkdtemp(base.data())) std::abort();
    return fs::path(base);
  }();
  return folder;
}

inline fs::path fresh_folder() {
  const auto& dir = scratch_folder();
  for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
  return dir;
}

inline void write_file(const fs::path& path, const uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

inline bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

// Writes the packed files into a fresh folder and returns it.
inline fs::path unpack_files(const uint8_t* data, std::size_t size) {
  const auto dir = fresh_folder();
  std::size_t p = 0;
  while (p < size) {
    std::size_t nl = p;
    while (nl < size && data[nl] != '\n' && nl - p <= 64) ++nl;
    if (nl >= size || data[nl] != '\n') break;
    const std::string name(reinterpret_cast<const char*>(data + p), nl - p);
    p = nl + 1;
    if (!valid_name(name) || size - p < 4) break;
    const uint32_t length = uint32_t(data[p]) | uint32_t(data[p + 1]) << 8 | uint32_t(data[p + 2]) << 16 |
                            uint32_t(data[p + 3]) << 24;
    p += 4;
    if (length > size - p) break;
    write_file(dir / name, data + p, length);
    p += length;
  }
  return dir;
}

}  // namespace impasto_fuzz
