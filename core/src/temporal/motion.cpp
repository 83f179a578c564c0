// The motion between two frames and the previous result moved along it
// (impasto/temporal.h). Flow from OpenCV's DIS (Kroeger et al. 2016): fast
// on a CPU and kept up in Debian; the reliability tests are Ruder et al.'s.
#include "impasto/temporal.h"

#include "impasto/error.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace impasto {
namespace {

// A matrix sharing the image's pixels (never written through).
cv::Mat view(const Image& image) {
  return cv::Mat(image.height, image.width, CV_32FC(image.channels), const_cast<float*>(image.pixels.data()));
}

// 8-bit luminance, what DIS reads.
cv::Mat grey(const Image& image) {
  cv::Mat luma;
  if (image.channels >= 3) {
    cv::Mat channels[4];
    cv::split(view(image), channels);
    luma = 0.299f * channels[0] + 0.587f * channels[1] + 0.114f * channels[2];
  } else {
    luma = view(image);
  }
  cv::Mat out;
  luma.convertTo(out, CV_8U, 255.0);
  return out;
}

// Flow from `from` to `to`: from(x) ~ to(x + flow(x)), in pixels.
cv::Mat flow_between(const cv::Mat& from, const cv::Mat& to) {
  auto dis = cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_MEDIUM);
  cv::Mat flow;
  dis->calc(from, to, flow);
  return flow;
}

// The RGB channels of `image` as a 3-channel float matrix.
cv::Mat rgb(const Image& image) {
  cv::Mat out;
  if (image.channels == 3) return view(image);
  if (image.channels == 4) {
    cv::cvtColor(view(image), out, cv::COLOR_RGBA2RGB);
    return out;
  }
  cv::cvtColor(view(image), out, cv::COLOR_GRAY2RGB);
  return out;
}

void check_size(const Image& image, const Image& frame, const char* what) {
  if (image.width != frame.width || image.height != frame.height)
    throw Error(std::string("The previous frame's ") + what + " is " + std::to_string(image.width) + " x " +
                std::to_string(image.height) + " pixels, the frame " + std::to_string(frame.width) + " x " +
                std::to_string(frame.height) + ": every frame must have the same size.");
}

}  // namespace

void check_previous_frame(const PreviousFrame& previous, const Image& frame, double consistency) {
  if (!(consistency >= 0.0 && consistency <= 1.0))
    throw Error(IMPASTO_N_("The frame consistency must be between 0 and 1."));
  if (previous.empty()) return;
  check_size(previous.original, frame, "original");
  check_size(previous.result, frame, "result");
}

MotionPrior follow_motion(const PreviousFrame& previous, const Image& frame) {
  if (frame.empty() || previous.empty()) throw Error(IMPASTO_N_("An image passed to Impasto is empty."));
  check_size(previous.original, frame, "original");
  check_size(previous.result, frame, "result");
  const int h = frame.height, w = frame.width;

  const cv::Mat now = grey(frame), before = grey(previous.original);
  const cv::Mat backward = flow_between(now, before);  // where each pixel was
  const cv::Mat forward = flow_between(before, now);

  cv::Mat map(h, w, CV_32FC2);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const auto b = backward.at<cv::Vec2f>(y, x);
      map.at<cv::Vec2f>(y, x) = cv::Vec2f(x + b[0], y + b[1]);
    }
  cv::Mat forward_there, original_there, gradient_x, gradient_y;
  cv::remap(forward, forward_there, map, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::remap(rgb(previous.original), original_there, map, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::Sobel(backward, gradient_x, CV_32F, 1, 0, 1, 0.5);
  cv::Sobel(backward, gradient_y, CV_32F, 0, 1, 1, 0.5);
  const cv::Mat now_rgb = rgb(frame);

  MotionPrior prior;
  prior.trust = Image(w, h, 1);
  cv::Mat trust(h, w, CV_32F, prior.trust.pixels.data());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const auto b = backward.at<cv::Vec2f>(y, x);
      const auto f = forward_there.at<cv::Vec2f>(y, x);
      const auto m = map.at<cv::Vec2f>(y, x);
      const auto gx = gradient_x.at<cv::Vec2f>(y, x), gy = gradient_y.at<cv::Vec2f>(y, x);
      const float b2 = b.dot(b), f2 = f.dot(f);
      const cv::Vec2f round_trip = f + b;
      // Disocclusion: going back and forth does not return to the pixel.
      const bool occluded = round_trip.dot(round_trip) > 0.01f * (b2 + f2) + 0.5f;
      // Motion boundary: the flow changes sharply around the pixel.
      const bool boundary = gx.dot(gx) + gy.dot(gy) > 0.01f * b2 + 0.002f;
      const bool outside = m[0] < 0.0f || m[1] < 0.0f || m[0] > w - 1.0f || m[1] > h - 1.0f;
      // The flow found something else: the pixel's colour did not travel.
      const cv::Vec3f d = now_rgb.at<cv::Vec3f>(y, x) - original_there.at<cv::Vec3f>(y, x);
      const bool mismatch = std::abs(d[0]) + std::abs(d[1]) + std::abs(d[2]) > 0.3f;
      trust.at<float>(y, x) = (occluded || boundary || outside || mismatch) ? 0.0f : 1.0f;
    }
  // The flow is least sure next to what it could not follow.
  cv::erode(trust, trust, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));

  prior.warped = Image(w, h, 3);
  cv::Mat warped(h, w, CV_32FC3, prior.warped.pixels.data());
  cv::remap(rgb(previous.result), warped, map, cv::noArray(), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  return prior;
}

void blend_with_prior(Image& stylised, const MotionPrior& prior, double consistency) {
  check_size(prior.warped, stylised, "result");
  const auto k = static_cast<float>(consistency);
  const std::size_t n = static_cast<std::size_t>(stylised.width) * stylised.height;
  for (std::size_t i = 0; i < n; ++i) {
    const float t = k * prior.trust.pixels[i];
    for (int c = 0; c < 3 && c < stylised.channels; ++c) {
      float& v = stylised.pixels[i * stylised.channels + c];
      v += t * (prior.warped.pixels[i * 3 + c] - v);
    }
  }
}

double warping_error(const MotionPrior& prior, const Image& result) {
  check_size(prior.warped, result, "result");
  const std::size_t n = static_cast<std::size_t>(result.width) * result.height;
  double sum = 0.0, count = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const float t = prior.trust.pixels[i];
    if (t <= 0.0f) continue;
    for (int c = 0; c < 3; ++c) {
      const double d = result.pixels[i * result.channels + std::min(c, result.channels - 1)] - prior.warped.pixels[i * 3 + c];
      sum += t * d * d;
    }
    count += 3.0 * t;
  }
  return count > 0.0 ? std::sqrt(sum / count) : 0.0;
}

}  // namespace impasto
