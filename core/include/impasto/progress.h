// How far a style transfer run is, for the caller's progress bar, and how
// the caller cancels it; shared by every method.
#pragma once

#include "impasto/image.h"

#include <functional>

namespace impasto {

struct Progress {
  double fraction = 0.0;  // 0..1 over the whole run
  double loss = 0.0;      // current total loss
  int iteration = 0;      // within the current scale
  int iterations = 0;     // of the current scale
  int scale = 0;          // 0-based index of the current scale
  int scales = 1;
  int scale_long_side = 0;  // pixels, of the current scale
  bool refining = false;    // the scale is above the processing size
  // Renders the current result (at processing size); costs a copy, so call
  // it only when an intermediate image is wanted. Empty in the reports a
  // refinement level makes within a step (after a tile), which come to let
  // the caller cancel.
  std::function<Image()> intermediate;
};

// Return false to cancel; the run then throws impasto::Cancelled.
using ProgressCallback = std::function<bool(const Progress&)>;

}  // namespace impasto
