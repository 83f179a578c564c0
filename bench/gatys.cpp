// Impasto's side of bench/run's Gatys row: the seed algorithm's losses and
// weights (VGG-19 with max pooling, mean squared errors, content 1, style
// 1e6, tv 0.5 — as bench/peers/seed_gatys.py) optimised Impasto's way
// (coarse to fine, its L-BFGS), on the exact inputs the reference wrote.
//   impasto-bench-gatys WORK ITERATIONS SIZE [on|off] [nhwc|nchw] [PADDING] [LEVELS] [GAIN]
// prints one JSON line per iteration: seconds since the start, scale index,
// scale count and the total loss at that scale. PADDING is the network's
// mirror padding (Impasto's default 16; 0 gives the seed's zero padding),
// LEVELS and GAIN the picture's pyramid (GatysOptions::pyramid_levels).
// With IMPASTO_BENCH_DUMP=DIR it also writes the picture of every
// IMPASTO_BENCH_DUMP_EVERY-th (default 10) iteration of the last scale to
// DIR/it-NNNN.f32 (as the seed's content.f32) and names it in that line, so
// bench/peers/seed_loss.py can score it with the seed's own loss; the time
// spent writing is left out of "t".
#include "impasto/gatys.h"
#include "raw_image.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s WORK ITERATIONS SIZE [on|off] [nhwc|nchw] [PADDING] [LEVELS] [GAIN]\n", argv[0]);
    return 2;
  }
  const std::string work = argv[1];
  try {
    std::ifstream in(work + "/inputs.json");
    const auto inputs = nlohmann::json::parse(in);
    const auto c = inputs.at("content").get<std::vector<int>>(), s = inputs.at("style").get<std::vector<int>>();
    const auto content = impasto::bench::read_raw(work + "/content.f32", c[0], c[1]);
    const auto style = impasto::bench::read_raw(work + "/style.f32", s[0], s[1]);

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
    if (argc > 6) o.reflect_padding = std::atoi(argv[6]);
    if (argc > 7) o.pyramid_levels = std::atoi(argv[7]);
    if (argc > 8) o.pyramid_gain = std::atof(argv[8]);  // 0: the network's own
    const char* dump_dir = std::getenv("IMPASTO_BENCH_DUMP");
    const char* every_env = std::getenv("IMPASTO_BENCH_DUMP_EVERY");
    const int dump_every = every_env ? std::max(1, std::atoi(every_env)) : 10;
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    clock::duration paused{};
    impasto::stylize_gatys(content, {{style, 1.0}}, {}, o, [&](const impasto::Progress& p) {
      const std::chrono::duration<double> t = clock::now() - start - paused;
      std::string dumped;
      if (dump_dir && p.scale == p.scales - 1 && (p.iteration % dump_every == 0 || p.iteration == p.iterations)) {
        const auto before = clock::now();
        char name[32];
        std::snprintf(name, sizeof name, "/it-%04d.f32", p.iteration);
        dumped = std::string(dump_dir) + name;
        const auto image = p.intermediate();
        std::ofstream out(dumped, std::ios::binary);
        out.write(reinterpret_cast<const char*>(image.pixels.data()),
                  static_cast<std::streamsize>(image.pixels.size() * sizeof(float)));
        if (!out) throw std::runtime_error("cannot write " + dumped);
        paused += clock::now() - before;
      }
      std::printf("{\"t\": %.4f, \"scale\": %d, \"scales\": %d, \"iteration\": %d, \"loss\": %.8g%s%s%s}\n", t.count(),
                  p.scale, p.scales, p.iteration, p.loss, dumped.empty() ? "" : ", \"image\": \"",
                  dumped.c_str(), dumped.empty() ? "" : "\"");
      std::fflush(stdout);
      return true;
    });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
