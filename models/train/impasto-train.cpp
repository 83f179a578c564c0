// impasto-train: trains a feed-forward style model for one style image from a
// folder of photographs, with progress, checkpoints and resume. The model it
// writes loads anywhere a pretrained model does (plug-in, GEGL op, batch).
#include "image_io.h"

#include "impasto/error.h"
#include "impasto/feedforward.h"
#include "impasto/training.h"

#include <gegl.h>
#include <getopt.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <sstream>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::atomic<bool> interrupted{false};
constexpr int kAveragedSteps = 50;  // steps behind training.json's final losses

const char* usage =
    "Usage: impasto-train --style IMAGE --photos FOLDER --output FOLDER [options]\n"
    "\n"
    "Trains a feed-forward style model (Johnson et al. 2016 perceptual losses,\n"
    "measured by Impasto's loss network) and writes it to FOLDER in the ml5\n"
    "fast-style format, with training.json, impasto.json, style.png (thumbnail)\n"
    "and sample.png. Ctrl+C stops after the current step and writes a\n"
    "checkpoint; --resume continues from it.\n"
    "\n"
    "  --name NAME             model name (default: the output folder's name)\n"
    "  --display-name TEXT     name shown in GIMP (default: NAME)\n"
    "  --licence TEXT          licence of the style image and model\n"
    "  --steps N               optimiser steps in total (1000)\n"
    "  --batch N               crops per step (4)\n"
    "  --crop N                crop size in pixels, multiple of 4 (256)\n"
    "  --style-size N          long side of the style image (384); larger\n"
    "                          gives smaller brush strokes\n"
    "  --content-weight W      (2)   --style-weight W (0.75)  --tv-weight W (3)\n"
    "  --learning-rate X       Adam step size (0.002)\n"
    "  --width N               base width of the network (16; ml5 models use 32)\n"
    "  --blocks N              residual blocks (5)\n"
    "  --upsampling-kernel N   taps of the upsampling layers: 3 (as ml5) or 4\n"
    "                          (nearest upsampling + 3x3 convolution) (3)\n"
    "  --style-layers L:W,...  style layers of the loss network and their\n"
    "                          weights (the network's own, e.g. leaky_re_lu_1:1)\n"
    "  --jitter N              the losses see the output from a random offset\n"
    "                          of up to N pixels per step (16)\n"
    "  --shift-weight W        weight of the shift-consistency term (0: off)\n"
    "  --palette-weight W      weight of the palette term: the output's colours\n"
    "                          matched to the painting's (0: off)\n"
    "  --zoom Z                some crops enlarged, up to Z times: the smooth\n"
    "                          areas of large photos (1: off)\n"
    "  --style-regions N       match the style in each of N x N parts of\n"
    "                          every crop (2; 1: over the whole crop)\n"
    "  --clip-output yes|no    whether the losses see the output clipped (yes)\n"
    "  --checkpoint-every N    steps between checkpoints (200)\n"
    "  --resume                continue from FOLDER/checkpoint\n"
    "  --max-photos N          use at most N photos (all)\n"
    "  --sample IMAGE          picture for sample.png (default: the first photo)\n"
    "  --network NAME          loss network: darknet-tiny (default) or vgg19\n"
    "  --model-dir DIR         where the loss network is installed\n"
    "  --seed N                (0)   --threads N (all cores)\n";

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  return buffer;
}

// Merges `fields` into the record the trainer wrote.
void add_to_training_record(const fs::path& path, const nlohmann::json& fields) {
  nlohmann::json record = nlohmann::json::parse(std::ifstream(path));
  record.update(fields);
  std::ofstream(path) << record.dump(1) << "\n";
}

std::vector<std::string> photo_files(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".tif" || ext == ".tiff" || ext == ".webp")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

int run(int argc, char** argv) {
  impasto::TrainingOptions options;
  std::string style_path, photos_dir, name, display_name, licence, sample_path;
  bool resume = false;
  long max_photos = 0;
  enum {
    kStyle = 1000, kPhotos, kOutput, kName, kDisplayName, kLicence, kSteps, kBatch, kCrop, kStyleSize,
    kContentWeight, kStyleWeight, kTvWeight, kLearningRate, kWidth, kBlocks, kCheckpointEvery, kResume,
    kMaxPhotos, kSample, kNetwork, kModelDir, kSeed, kThreads, kUpsamplingKernel, kClipOutput, kStyleLayers, kJitter, kShiftWeight, kPaletteWeight, kZoom, kStyleRegions, kHelp
  };
  static const option longopts[] = {
      {"style", required_argument, nullptr, kStyle}, {"photos", required_argument, nullptr, kPhotos},
      {"output", required_argument, nullptr, kOutput}, {"name", required_argument, nullptr, kName},
      {"display-name", required_argument, nullptr, kDisplayName}, {"licence", required_argument, nullptr, kLicence},
      {"steps", required_argument, nullptr, kSteps}, {"batch", required_argument, nullptr, kBatch},
      {"crop", required_argument, nullptr, kCrop}, {"style-size", required_argument, nullptr, kStyleSize},
      {"content-weight", required_argument, nullptr, kContentWeight},
      {"style-weight", required_argument, nullptr, kStyleWeight}, {"tv-weight", required_argument, nullptr, kTvWeight},
      {"learning-rate", required_argument, nullptr, kLearningRate}, {"width", required_argument, nullptr, kWidth},
      {"blocks", required_argument, nullptr, kBlocks}, {"checkpoint-every", required_argument, nullptr, kCheckpointEvery},
      {"resume", no_argument, nullptr, kResume}, {"max-photos", required_argument, nullptr, kMaxPhotos},
      {"sample", required_argument, nullptr, kSample}, {"network", required_argument, nullptr, kNetwork},
      {"model-dir", required_argument, nullptr, kModelDir}, {"seed", required_argument, nullptr, kSeed},
      {"threads", required_argument, nullptr, kThreads},
      {"upsampling-kernel", required_argument, nullptr, kUpsamplingKernel},
      {"clip-output", required_argument, nullptr, kClipOutput},
      {"style-layers", required_argument, nullptr, kStyleLayers}, {"jitter", required_argument, nullptr, kJitter},
      {"shift-weight", required_argument, nullptr, kShiftWeight}, {"zoom", required_argument, nullptr, kZoom},
      {"palette-weight", required_argument, nullptr, kPaletteWeight},
      {"style-regions", required_argument, nullptr, kStyleRegions},
      {"help", no_argument, nullptr, kHelp}, {nullptr, 0, nullptr, 0}};
  auto number = [](const char* text, const char* what) {
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    if (end == text || *end != '\0') throw impasto::Error(std::string("--") + what + " needs a number, not \"" + text + "\".");
    return v;
  };
  int c;
  while ((c = getopt_long(argc, argv, "", longopts, nullptr)) != -1) {
    switch (c) {
      case kStyle: style_path = optarg; break;
      case kPhotos: photos_dir = optarg; break;
      case kOutput: options.output = optarg; break;
      case kName: name = optarg; break;
      case kDisplayName: display_name = optarg; break;
      case kLicence: licence = optarg; break;
      case kSteps: options.steps = static_cast<int>(number(optarg, "steps")); break;
      case kBatch: options.batch_size = static_cast<int>(number(optarg, "batch")); break;
      case kCrop: options.crop_size = static_cast<int>(number(optarg, "crop")); break;
      case kStyleSize: options.style_size = static_cast<int>(number(optarg, "style-size")); break;
      case kContentWeight: options.loss.content_weight = number(optarg, "content-weight"); break;
      case kStyleWeight: options.loss.style_weight = number(optarg, "style-weight"); break;
      case kTvWeight: options.loss.tv_weight = number(optarg, "tv-weight"); break;
      case kLearningRate: options.learning_rate = number(optarg, "learning-rate"); break;
      case kWidth: options.base_width = static_cast<int>(number(optarg, "width")); break;
      case kBlocks: options.residual_blocks = static_cast<int>(number(optarg, "blocks")); break;
      case kCheckpointEvery: options.checkpoint_every = static_cast<int>(number(optarg, "checkpoint-every")); break;
      case kResume: resume = true; break;
      case kMaxPhotos: max_photos = static_cast<long>(number(optarg, "max-photos")); break;
      case kSample: sample_path = optarg; break;
      case kNetwork: options.network.network = optarg; break;
      case kModelDir: options.network.model_dir = optarg; break;
      case kSeed: options.seed = static_cast<std::uint64_t>(number(optarg, "seed")); break;
      case kThreads: options.threads = static_cast<int>(number(optarg, "threads")); break;
      case kUpsamplingKernel: options.upsampling_kernel = static_cast<int>(number(optarg, "upsampling-kernel")); break;
      case kClipOutput:
        if (std::strcmp(optarg, "yes") != 0 && std::strcmp(optarg, "no") != 0)
          throw impasto::Error(std::string("--clip-output takes yes or no, not \"") + optarg + "\".");
        options.clip_output = std::strcmp(optarg, "yes") == 0;
        break;
      case kShiftWeight: options.shift_weight = number(optarg, "shift-weight"); break;
      case kPaletteWeight: options.palette_weight = number(optarg, "palette-weight"); break;
      case kZoom: options.max_zoom = number(optarg, "zoom"); break;
      case kStyleRegions: options.loss.style_regions = static_cast<int>(number(optarg, "style-regions")); break;
      case kJitter: options.jitter = static_cast<int>(number(optarg, "jitter")); break;
      case kStyleLayers: {
        options.loss.style_layers.clear();
        std::stringstream list(optarg);
        std::string item;
        while (std::getline(list, item, ',')) {
          const auto colon = item.rfind(':');
          if (colon == std::string::npos || colon == 0)
            throw impasto::Error("--style-layers takes LAYER:WEIGHT pairs separated by commas, not \"" + item + "\".");
          options.loss.style_layers.push_back(
              {item.substr(0, colon), number(item.substr(colon + 1).c_str(), "style-layers")});
        }
        break;
      }
      case kHelp: std::cout << usage; return 0;
      default: std::cerr << usage; return 2;
    }
  }
  if (style_path.empty() || photos_dir.empty() || options.output.empty() || optind != argc) {
    std::cerr << usage;
    return 2;
  }
  if (name.empty()) name = fs::path(options.output).filename().string();
  if (display_name.empty()) display_name = name;

  auto style = impasto::tools::load_image(style_path);
  impasto::StyleTrainer trainer(style, options, resume);
  auto files = photo_files(photos_dir);
  if (max_photos > 0 && files.size() > static_cast<std::size_t>(max_photos)) files.resize(static_cast<std::size_t>(max_photos));
  if (files.empty()) throw impasto::Error("No photos (.jpg, .png, .tif, .webp) in \"" + photos_dir + "\".");
  for (const auto& f : files) {
    try {
      trainer.add_photo(impasto::tools::load_image(f));
    } catch (const impasto::Error& e) {
      std::cerr << "impasto-train: skipping " << f << ": " << e.what() << "\n";
    }
  }
  std::cout << "impasto-train: " << trainer.photo_count() << " photos, style " << style_path << ", "
            << (trainer.step() > 0 ? "resuming at step " + std::to_string(trainer.step()) : std::string("from scratch"))
            << std::endl;

  std::signal(SIGINT, [](int) { interrupted = true; });
  std::signal(SIGTERM, [](int) { interrupted = true; });
  const int first_step = trainer.step();
  // The model card's figures: the losses averaged over the last steps (one
  // batch alone is noisy) and this run's time.
  const int averaged_from = std::max(first_step, options.steps - kAveragedSteps);
  impasto::LossBreakdown loss_sum;
  double shift_sum = 0.0, palette_sum = 0.0, run_seconds = 0.0;
  const bool finished = trainer.train([&](const impasto::TrainingProgress& p) {
    const int done = p.step - first_step;
    run_seconds = p.seconds;
    if (p.step > averaged_from) {
      loss_sum.total += p.loss.total;
      loss_sum.content += p.loss.content;
      loss_sum.style += p.loss.style;
      loss_sum.tv += p.loss.tv;
      shift_sum += p.shift;
      palette_sum += p.palette;
    }
    if (p.step % 10 == 0 || p.checkpoint || p.step == p.steps) {
      const double per_step = p.seconds / std::max(1, done);
      std::printf("step %d/%d  loss %.4f (content %.4f, style %.4f, smoothness %.5f, shift %.5f, palette %.5f)  %.2f s/step, %s left%s\n",
                  p.step, p.steps, p.loss.total, p.loss.content, p.loss.style, p.loss.tv, p.shift, p.palette, per_step,
                  format_duration(per_step * (p.steps - p.step)).c_str(), p.checkpoint ? "  [checkpoint]" : "");
      std::fflush(stdout);
    }
    return !interrupted.load();
  });
  if (!finished) {
    std::cout << "impasto-train: stopped at step " << trainer.step() << "; checkpoint written. Run again with --resume."
              << std::endl;
    return 130;
  }

  const fs::path out(options.output);
  const double n = std::max(1, options.steps - averaged_from);
  add_to_training_record(out / "training.json",
                         {{"final_losses", {{"steps_averaged", options.steps - averaged_from},
                                            {"total", loss_sum.total / n},
                                            {"content", loss_sum.content / n},
                                            {"style", loss_sum.style / n},
                                            {"smoothness", loss_sum.tv / n},
                                            {"shift", shift_sum / n},
                                            {"palette", palette_sum / n}}},
                          {"seconds", std::round(run_seconds)},
                          {"resumed_at_step", first_step}});

  // What the plug-in shows next to the model.
  nlohmann::json meta{{"name", name},
                      {"display_name", display_name},
                      {"licence", licence},
                      {"style_image", fs::path(style_path).filename().string()},
                      {"thumbnail", "style.png"},
                      {"trained_with", "impasto-train"}};
  std::ofstream(out / "impasto.json") << meta.dump(1) << "\n";
  impasto::tools::save_image(style, (out / "style.png").string(), 128);

  impasto::FeedForwardOptions ff;
  ff.model = fs::absolute(out).string();
  ff.threads = options.threads;
  auto sample = impasto::tools::load_image(sample_path.empty() ? files.front() : sample_path);
  auto result = impasto::stylize_feedforward(sample, impasto::Image(), ff);
  impasto::tools::save_image(result.image, (out / "sample.png").string());
  std::cout << "impasto-train: model written to " << options.output << " (sample.png shows it on "
            << (sample_path.empty() ? files.front() : sample_path) << ")" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  gegl_init(&argc, &argv);
  int status;
  try {
    status = run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "impasto-train: " << e.what() << "\n";
    status = 1;
  }
  gegl_exit();
  return status;
}
