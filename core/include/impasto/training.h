// Training a feed-forward style model for a new style image (Johnson, Alahi
// & Fei-Fei 2016): a transformation network learns to minimise the
// perceptual loss of its outputs on random crops of many photographs. The
// result is written in the ml5 fast-style format, which load_style_model()
// and ml5.js read.
#pragma once

#include "impasto/image.h"
#include "impasto/network_loader.h"
#include "impasto/perceptual_loss.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace impasto {

struct TrainingOptions {
  NetworkOptions network;        // the loss network (default Tiny Darknet)
  // Loss terms; the defaults suit Tiny Darknet and 128- to 256-pixel crops.
  // The style is matched in each quarter of every crop, which keeps the
  // network from meeting it with one bright blob; the strong smoothness
  // term damps a period-4 grid (docs/training.md).
  PerceptualLossOptions loss{{}, {}, 2.0, 0.75, 3.0, LossScale::Normalised, 2};
  int style_size = 384;          // long side of the style image while training
  int crop_size = 256;           // training crops, square
  int batch_size = 4;
  int steps = 1000;              // optimiser steps in total (a resumed run continues)
  double learning_rate = 2e-3;   // Adam
  // Transformation network: widths base, 2x base, 4x base and the residual
  // blocks. 16 and 5 give a 0.4 M-parameter network about 4x faster than the
  // published ml5 models (base 32).
  int base_width = 16;
  int residual_blocks = 5;
  // Taps of the two stride-2 transposed convolutions: 3 as in the published
  // ml5 models, or 4, started as nearest-neighbour upsampling + a 3x3
  // convolution, whose even overlap paints no checkerboard (ml5_network.h).
  int upsampling_kernel = 3;
  // The losses see the output and the photo cropped by up to this many
  // pixels on the top and left (a random offset per step), so the network
  // cannot tune a texture to the loss network's pooling grid; 0: never.
  int jitter = 16;
  // Weight of a shift-consistency term: each step the network also stylises
  // the crops shifted by 1-3 pixels, and the two results are compared where
  // they overlap (mean squared difference, 0..1 scale). A texture locked to
  // the network's own stride-4 grid does not move with the picture and pays
  // for it; 0: off (and no second pass).
  double shift_weight = 0.0;
  // Some crops are taken enlarged: a square of crop / z pixels, z drawn
  // log-uniformly between 1 and this, stretched to the crop size. The
  // training photos are small (short side 1.25 crops), so without it the
  // network never sees the smooth, out-of-focus stretches of a 12 MP photo
  // at 100%, and paints them with blobs of the painting's loudest colour
  // (docs/training.md); 1: never.
  double max_zoom = 1.0;
  // Weight of a palette term: the colours of each step's output, all crops
  // pooled, are matched to the painting's colour distribution
  // (sliced_colour_distance, 0..1 scale). The style term alone leaves a
  // painting of a few strong colours on a pale ground pale (docs/training.md);
  // 0: off.
  double palette_weight = 0.0;
  // Whether the loss sees the output clipped to [0, 1], as the plug-in
  // shows it. Clipped pixels get no gradient from any loss term.
  bool clip_output = true;
  std::string output;            // folder for the model, checkpoints and state
  int checkpoint_every = 200;    // steps; 0: only at the end
  std::uint64_t seed = 0;
  int threads = 0;               // 0: every core
  std::string device = "cpu";
};

struct TrainingProgress {
  int step = 0;        // steps done
  int steps = 0;       // total
  LossBreakdown loss;  // of the last batch (total includes the shift and palette terms)
  double shift = 0.0;  // the shift-consistency term, before its weight
  double palette = 0.0;  // the palette term, before its weight
  double seconds = 0;  // since this run (or resumption) started
  bool checkpoint = false;  // a checkpoint was just written
};

// Return false to stop; the trainer writes a checkpoint first, so the run can
// be resumed.
using TrainingCallback = std::function<bool(const TrainingProgress&)>;

class StyleTrainer {
 public:
  // Validates the options, loads the loss network and computes the style
  // targets. When `resume` is true and options.output holds a checkpoint
  // with the same architecture, training continues from it. Throws
  // impasto::Error.
  StyleTrainer(const Image& style, TrainingOptions options, bool resume);
  ~StyleTrainer();

  // A training photograph (RGB or RGBA, any size); a reduced copy is kept.
  // Photos smaller than the crop are scaled up.
  void add_photo(const Image& photo);
  std::size_t photo_count() const;
  int step() const;  // steps already done (non-zero after resuming)

  // Trains up to options.steps, writing checkpoints to <output>/checkpoint
  // and the final model to <output>. Returns false when stopped early.
  bool train(const TrainingCallback& progress = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace impasto
