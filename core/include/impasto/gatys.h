// Optimisation-based style transfer (Gatys, Ecker & Bethge 2016).
#pragma once

#include "impasto/color.h"
#include "impasto/feature_network.h"
#include "impasto/image.h"
#include "impasto/losses.h"
#include "impasto/perceptual_loss.h"
#include "impasto/network_loader.h"
#include "impasto/parameters.h"
#include "impasto/progress.h"
#include "impasto/temporal.h"

#include <cstdint>
#include <string>
#include <vector>

namespace impasto {

enum class Optimizer { Lbfgs, Adam };
enum class Init { Content, Noise, Style };

struct GatysOptions {
  NetworkOptions network;
  // Content, style and smoothness weights and layers (empty layers: the
  // network's defaults — Tiny Darknet: content at the 9th LeakyReLU, style at
  // the 1st, 2nd, 4th, 8th and 12th; VGG-19: content conv4_2, style relu1_1
  // ... relu5_1).
  PerceptualLossOptions loss;
  // Relative size of the style image against the processing size: above 1
  // gives larger brush strokes and motifs, below 1 finer ones.
  double style_scale = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_STYLE_SCALE);
  Init init = static_cast<Init>(IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_INIT));
  Optimizer optimizer = static_cast<Optimizer>(IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_OPTIMIZER));
  int iterations = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_ITERATIONS);
  double learning_rate = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_LEARNING_RATE);  // Adam only; L-BFGS uses a step of 1
  // Longest side, in pixels, at which the optimisation runs; the result is
  // resampled to the input size.
  int size = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_SIZE);
  // Coarse-to-fine: start at a quarter or half of `size` and refine. Auto
  // turns it on for sizes above 256.
  enum class MultiScale { Auto, On, Off } multiscale =
      static_cast<MultiScale>(IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_MULTISCALE));
  // Above `size`, refine up to the picture's own pixels instead of
  // resampling: levels double in size up to the input's, each starting from
  // the level below with the photo's finer detail added back, and each
  // optimised in tiles against the whole picture's style statistics
  // (core/src/optimisation/tiled_objective.h) with Adam, in bounded
  // memory. The content there is measured at the network's
  // refine_content_layers with refine_content_factor times the content
  // weight, which keeps the photo's edges crisp at 100%. The first refinement level takes
  // `refine_iterations` steps, each next one fewer (docs/full-resolution.md
  // has the measurements behind the defaults).
  bool full_resolution = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_FULL_RESOLUTION);
  int refine_iterations = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_REFINE_ITERATIONS);
  double refine_learning_rate = 0.01;
  double refine_content_factor = 3.0;
  ColorPreservation preserve_colors =
      static_cast<ColorPreservation>(IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_PRESERVE_COLORS));
  std::uint64_t seed = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_SEED);
  int threads = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_THREADS);  // 0: every core
  std::string device = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_DEVICE);  // any torch::Device string, e.g. "cuda:0"
  bool channels_last = true;
  // Mirror padding, in pixels, around the picture inside the network: the
  // edges then look like the middle instead of fading into a dark frame.
  // 0 gives the convolutions' own zero padding (the original paper's).
  int reflect_padding = 16;
  // L-BFGS and Adam see the picture as a pyramid of this many levels, each
  // coarser one added upsampled with weight pyramid_gain^k (1 level: plain
  // pixels; gain 0: the network's own, NetworkDescription::pyramid_gain).
  // Broad changes then cost as few steps as fine ones, so a given loss
  // comes sooner; the objective and the picture are the same.
  int pyramid_levels = 3;
  double pyramid_gain = 0.0;
  // Animation frames (impasto/temporal.h): the frame before this one and
  // its result. Where the motion from it is reliable, every size starts
  // from the previous result moved along the motion, and a temporal loss
  // (Ruder et al. 2016) pulls the picture towards it: the mean squared
  // difference over the trusted pixels, weighted by
  // consistency / (1 - consistency) x temporal_weight (docs/animation.md
  // measures the choice). Empty: a still
  // picture.
  PreviousFrame previous;
  double consistency = IMPASTO_PARAMETER_DEFAULT(IMPASTO_PARAMETER_CONSISTENCY);
  double temporal_weight = 5.0;
};

struct StyleInput {
  Image image;
  double weight = 1.0;  // blend weight among several styles
};

struct GatysResult {
  Image image;                  // input size, input's alpha passed through
  bool used_fallback = false;   // the weights-free network was used
  std::string network;          // id of the network that ran
  double final_loss = 0.0;
  std::vector<std::string> notes;  // messages for the user (English)
};

// Rough seconds a run on a width x height picture takes: the schedule's
// steps times per-pixel costs measured on a 2-core x86-64 machine
// (docs/full-resolution.md), scaled by the threads the run will use. For
// telling users what a setting costs, not for deciding anything.
double gatys_seconds_needed(std::int64_t width, std::int64_t height, const GatysOptions& options);

// content: RGB or RGBA. mask (optional, may be empty): 1 channel, content's
// size, 1 = stylise, 0 = keep the original. Throws impasto::Error.
GatysResult stylize_gatys(const Image& content, const std::vector<StyleInput>& styles,
                          const Image& mask, const GatysOptions& options,
                          const ProgressCallback& progress = {});

}  // namespace impasto
