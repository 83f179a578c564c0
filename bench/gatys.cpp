// Impasto's side of bench/run's Gatys row: the seed algorithm's losses and
// weights (VGG-19 with max pooling, mean squared errors, content 1, style
// 1e6, tv 0.5 — as bench/peers/seed_gatys.py) optimised Impasto's way
// (coarse to fine, its L-BFGS), on the exact inputs the reference wrote.
//   impasto-bench-gatys WORK ITERATIONS SIZE [on|off] [nhwc|nchw]
// prints one JSON line per iteration: seconds since the start, scale index,
// scale count and the total loss at that scale.
#include "impasto/gatys.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

impasto::Image read_raw(const std::string& path, int height, int width) {
  impasto::Image image(width, height, 3);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(image.pixels.data()), static_cast<std::streamsize>(image.pixels.size() * sizeof(float)));
  if (!in) throw std::runtime_error("cannot read " + path);
  return image;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s WORK ITERATIONS SIZE [on|off]\n", argv[0]);
    return 2;
  }
  const std::string work = argv[1];
  try {
    std::ifstream in(work + "/inputs.json");
    const auto inputs = nlohmann::json::parse(in);
    const auto c = inputs.at("content").get<std::vector<int>>(), s = inputs.at("style").get<std::vector<int>>();
    const auto content = read_raw(work + "/content.f32", c[0], c[1]);
    const auto style = read_raw(work + "/style.f32", s[0], s[1]);

    impasto::GatysOptions o;
    o.network.network = "vgg19";
    o.network.model_dir = work;
    o.network.pooling = impasto::Pooling::Max;
    o.loss.scale = impasto::LossScale::Mean;
    o.loss.content_weight = inputs["weights"]["content"];
    o.loss.style_weight = inputs["weights"]["style"];
    o.loss.tv_weight = inputs["weights"]["tv"];
    o.iterations = std::atoi(argv[2]);
    o.size = std::atoi(argv[3]);
    if (argc > 4) o.multiscale = std::string(argv[4]) == "off" ? impasto::GatysOptions::MultiScale::Off
                                                               : impasto::GatysOptions::MultiScale::On;
    if (argc > 5) o.channels_last = std::string(argv[5]) != "nchw";
    const auto start = std::chrono::steady_clock::now();
    impasto::stylize_gatys(content, {{style, 1.0}}, {}, o, [&](const impasto::Progress& p) {
      const std::chrono::duration<double> t = std::chrono::steady_clock::now() - start;
      std::printf("{\"t\": %.4f, \"scale\": %d, \"scales\": %d, \"iteration\": %d, \"loss\": %.8g}\n", t.count(), p.scale,
                  p.scales, p.iteration, p.loss);
      std::fflush(stdout);
      return true;
    });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
