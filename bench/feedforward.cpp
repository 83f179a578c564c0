// Times Impasto's feed-forward stylisation for bench/run: a first run
// (printed as "first": what one job costs), then one JSON line per
// repetition.
//   impasto-bench-feedforward MODEL WxH REPEAT network|pipeline [THREADS] [TILE]
// network: the model's forward pass on a 1 x 3 x H x W tensor, what the
// peers are timed on; pipeline: stylize_feedforward on an RGBA image, with
// conversions, tiling and composition, what the GEGL operation runs.
#include "impasto/feedforward.h"
#include "impasto/style_model.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s MODEL WxH REPEAT network|pipeline [THREADS] [TILE]\n", argv[0]);
    return 2;
  }
  const std::string model = argv[1], mode = argv[4];
  int width = 0, height = 0;
  if (std::sscanf(argv[2], "%dx%d", &width, &height) != 2) return 2;
  const int repeat = std::atoi(argv[3]);
  const int threads = argc > 5 ? std::atoi(argv[5]) : 0;
  const int tile = argc > 6 ? std::atoi(argv[6]) : 0;
  try {
    std::function<void()> run;
    std::unique_ptr<impasto::StyleModel> net;
    torch::Tensor input;
    impasto::Image image;
    impasto::FeedForwardOptions options;
    if (mode == "network") {
      at::set_num_threads(threads > 0 ? threads : 2);
      net = impasto::load_style_model(model);
      input = torch::rand({1, 3, height, width}, at::make_generator<at::CPUGeneratorImpl>(1));
      run = [&] {
        c10::InferenceMode inference;
        impasto::stylize_tiled(*net, input, std::max(width, height), 0);  // one tile: the bare network
      };
    } else {
      image = impasto::Image(width, height, 4);
      for (std::size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = static_cast<float>((i * 2654435761u) % 1000) / 999.0f;
      options.model = model;
      options.threads = threads;
      options.tile_size = tile;
      run = [&] { impasto::stylize_feedforward(image, {}, options); };
    }
    {
      const auto start = std::chrono::steady_clock::now();
      run();
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      std::printf("{\"first\": %.4f}\n", took.count());
    }
    for (int r = 0; r < repeat; ++r) {
      const auto start = std::chrono::steady_clock::now();
      run();
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      std::printf("{\"seconds\": %.4f}\n", took.count());
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
