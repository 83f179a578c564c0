// The curves behind the full-resolution defaults (docs/full-resolution.md):
// one Gatys run on raw float RGB files, printing a JSON line per progress
// report (seconds, level, its long side, step, loss) and one when the run
// has ended, and writing the result.
//   impasto-bench-full-resolution CONTENT H W STYLE H W OUT [key=value ...]
// keys: size, iterations, refine (refine_iterations), refine_lr, full (0/1),
// models (model folder), content, style, tv (loss weights). bench/full-resolution drives it.
#include "impasto/gatys.h"
#include "raw_image.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

int main(int argc, char** argv) {
  if (argc < 8) {
    std::fprintf(stderr, "usage: %s CONTENT H W STYLE H W OUT [key=value ...]\n", argv[0]);
    return 2;
  }
  try {
    const auto content = impasto::bench::read_raw(argv[1], std::atoi(argv[2]), std::atoi(argv[3]));
    const auto style = impasto::bench::read_raw(argv[4], std::atoi(argv[5]), std::atoi(argv[6]));
    impasto::GatysOptions o;
    for (int i = 8; i < argc; ++i) {
      const std::string arg = argv[i];
      const auto eq = arg.find('=');
      if (eq == std::string::npos) throw std::runtime_error("not key=value: " + arg);
      const std::string key = arg.substr(0, eq), value = arg.substr(eq + 1);
      if (key == "size") o.size = std::stoi(value);
      else if (key == "iterations") o.iterations = std::stoi(value);
      else if (key == "refine") o.refine_iterations = std::stoi(value);
      else if (key == "refine_lr") o.refine_learning_rate = std::stod(value);
      else if (key == "full") o.full_resolution = value != "0";
      else if (key == "models") o.network.model_dir = value;
      else if (key == "content") o.loss.content_weight = std::stod(value);
      else if (key == "style") o.loss.style_weight = std::stod(value);
      else if (key == "tv") o.loss.tv_weight = std::stod(value);
      else throw std::runtime_error("unknown key " + key);
    }
    const auto start = std::chrono::steady_clock::now();
    auto result = impasto::stylize_gatys(content, {{style, 1.0}}, {}, o, [&](const impasto::Progress& p) {
      const std::chrono::duration<double> t = std::chrono::steady_clock::now() - start;
      std::printf("{\"t\": %.3f, \"scale\": %d, \"scales\": %d, \"side\": %d, \"iteration\": %d, \"iterations\": %d, "
                  "\"fraction\": %.5f, \"loss\": %.8g}\n",
                  t.count(), p.scale, p.scales, p.scale_long_side, p.iteration, p.iterations, p.fraction, p.loss);
      std::fflush(stdout);
      return true;
    });
    // When the run ended: the gap from the last report is a wait Cancel
    // cannot shorten either.
    const std::chrono::duration<double> end = std::chrono::steady_clock::now() - start;
    std::printf("{\"t\": %.3f, \"done\": true}\n", end.count());
    std::ofstream out(argv[7], std::ios::binary);
    out.write(reinterpret_cast<const char*>(result.image.pixels.data()),
              static_cast<std::streamsize>(result.image.pixels.size() * sizeof(float)));
    if (!out) throw std::runtime_error(std::string("cannot write ") + argv[7]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
