// Animation frames stylised one after another without flicker. Each frame
// follows the motion from the frame before: dense optical flow between the
// two originals (OpenCV's DIS), checked forward against backward so that
// occlusions, motion boundaries and what came in over the frame's edge are
// not trusted (Ruder, Dosovitskiy & Brox 2016). The methods then keep the
// previous result, moved along the flow, where it is trusted: the
// optimisation starts from it and is pulled towards it, a pretrained model's
// result is blended with it. Memory: two frames, never the sequence.
#pragma once

#include "impasto/image.h"

namespace impasto {

// The frame before the one being stylised: its original and its result,
// RGB or RGBA, both of the current frame's size.
struct PreviousFrame {
  Image original;
  Image result;
  bool empty() const { return original.empty() || result.empty(); }
};

// The previous result moved onto the current frame, and how far to trust it.
struct MotionPrior {
  Image warped;  // RGB, the frame's size
  Image trust;   // 1 channel: 1 where the motion is reliable, 0 at occlusions, motion boundaries and the edge
};

// Throws impasto::Error, before any work, when the previous frame's
// images differ in size from the frame or consistency is outside 0..1.
void check_previous_frame(const PreviousFrame& previous, const Image& frame, double consistency);

// Throws impasto::Error when the sizes differ from the frame's.
MotionPrior follow_motion(const PreviousFrame& previous, const Image& frame);

// `stylised` (RGB or RGBA, changed in place; alpha kept) moved towards the
// prior: by `consistency` (0..1) where the prior is trusted.
void blend_with_prior(Image& stylised, const MotionPrior& prior, double consistency);

// Flicker, as the literature measures it: the root mean square difference
// (0..1 units, RGB) between `result` and the previous result moved onto
// it, over the pixels whose motion is trusted. 0 when none is.
double warping_error(const MotionPrior& prior, const Image& result);

}  // namespace impasto
