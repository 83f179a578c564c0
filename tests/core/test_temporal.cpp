// Frames of an animation (impasto/temporal.h): the motion between two
// frames of a real photograph, and both methods following it.
#include "impasto/error.h"
#include "impasto/feedforward.h"
#include "impasto/gatys.h"
#include "impasto/temporal.h"
#include "test_support.h"

using namespace impasto;

namespace {

// The 480 x 320 photograph of the fixtures (a rocket on its launch pad).
torch::Tensor rocket() { return test::read_raw(test::fixture("rocket.f32"), {1, 3, 320, 480}); }

// A w x h window of the photo at (x, y), as an RGB image: a camera pan
// moves the window by whole pixels, so the true motion is known.
Image window(const torch::Tensor& photo, int x, int y, int w, int h) {
  auto hwc = photo[0].narrow(1, y, h).narrow(2, x, w).permute({1, 2, 0}).contiguous();
  Image img(w, h, 3);
  std::memcpy(img.pixels.data(), hwc.data_ptr<float>(), img.pixels.size() * sizeof(float));
  return img;
}

// Root mean square difference over the pixels where `keep` says so.
double rms(const Image& a, const Image& b, const std::function<bool(int, int)>& keep) {
  double sum = 0.0;
  long n = 0;
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < a.width; ++x) {
      if (!keep(x, y)) continue;
      for (int c = 0; c < 3; ++c) sum += std::pow(a.at(x, y, c) - b.at(x, y, c), 2.0);
      n += 3;
    }
  return std::sqrt(sum / std::max(1L, n));
}

// The pan the tests use: 7 pixels right, 3 down a frame.
constexpr int kDx = 7, kDy = 3;

// Flicker with the true motion: a result against the previous result
// moved by the pan, where the previous frame saw the pixel.
double true_warping_error(const Image& before, const Image& after) {
  Image moved(after.width, after.height, 3);
  for (int y = 0; y + kDy < after.height; ++y)
    for (int x = 0; x + kDx < after.width; ++x)
      for (int c = 0; c < 3; ++c) moved.at(x, y, c) = before.at(x + kDx, y + kDy, c);
  return rms(after, moved, [&](int x, int y) { return x + kDx < after.width && y + kDy < after.height; });
}

}  // namespace

TEST(Temporal, FollowsACameraPanOverAPhoto) {
  IMPASTO_REQUIRE_FIXTURES();
  const auto photo = rocket();
  PreviousFrame previous{window(photo, 100, 60, 200, 150), {}};
  // The "result" is a picture the motion must carry: the photo's negative.
  previous.result = previous.original;
  for (auto& v : previous.result.pixels) v = 1.0f - v;
  const auto frame = window(photo, 100 + kDx, 60 + kDy, 200, 150);

  const auto prior = follow_motion(previous, frame);
  ASSERT_EQ(prior.warped.width, 200);
  ASSERT_EQ(prior.trust.channels, 1);
  Image negative = frame;
  for (auto& v : negative.pixels) v = 1.0f - v;
  double trusted = 0.0;
  for (float t : prior.trust.pixels) trusted += t;
  EXPECT_GT(trusted / prior.trust.pixels.size(), 0.75) << "most of a panned photo is tracked";
  // Where trusted, the previous result moved onto the frame is the frame's own negative.
  EXPECT_LT(rms(prior.warped, negative, [&](int x, int y) { return prior.trust.at(x, y, 0) > 0.5f; }), 0.03);
  // What came in over the right and bottom edges was never seen: not trusted.
  for (int y = 0; y < 150; y += 10)
    for (int x = 200 - kDx + 1; x < 200; ++x) EXPECT_EQ(prior.trust.at(x, y, 0), 0.0f) << x << "," << y;
  EXPECT_NEAR(warping_error(prior, negative), 0.0, 0.03);
}

TEST(Temporal, DoesNotTrustWhatAMovingObjectUncovers) {
  IMPASTO_REQUIRE_FIXTURES();
  const auto photo = rocket();
  auto before = window(photo, 100, 60, 200, 150), after = before;
  // A flat grey square moves 12 pixels right over a still background.
  for (int y = 50; y < 90; ++y)
    for (int x = 40; x < 80; ++x)
      for (int c = 0; c < 3; ++c) {
        before.at(x, y, c) = 0.5f;
        after.at(x + 12, y, c) = 0.5f;
      }
  const auto prior = follow_motion({before, before}, after);
  // The strip the square left: background the frame before did not show.
  int distrusted = 0;
  for (int y = 55; y < 85; ++y)
    for (int x = 42; x < 50; ++x) distrusted += prior.trust.at(x, y, 0) == 0.0f;
  EXPECT_GT(distrusted, 30 * 8 * 0.8);
  // The still background far from it is tracked.
  EXPECT_EQ(prior.trust.at(150, 120, 0), 1.0f);
}

TEST(Temporal, BlendKeepsAlphaAndFollowsTrust) {
  Image stylised(4, 1, 4), warped(4, 1, 3), trust(4, 1, 1);
  for (int x = 0; x < 4; ++x) {
    for (int c = 0; c < 3; ++c) warped.at(x, 0, c) = 1.0f;
    stylised.at(x, 0, 3) = 0.25f;
    trust.at(x, 0, 0) = x < 2 ? 1.0f : 0.0f;
  }
  MotionPrior prior{warped, trust};
  auto none = stylised;
  blend_with_prior(none, prior, 0.0);
  EXPECT_EQ(none.pixels, stylised.pixels);
  blend_with_prior(stylised, prior, 0.75);
  EXPECT_FLOAT_EQ(stylised.at(0, 0, 0), 0.75f);
  EXPECT_FLOAT_EQ(stylised.at(3, 0, 0), 0.0f);
  EXPECT_FLOAT_EQ(stylised.at(0, 0, 3), 0.25f);
}

TEST(Temporal, BadPreviousFramesAreRefusedBeforeAnyWork) {
  FeedForwardOptions o;
  o.previous = {test::synthetic_photo(30, 20), test::synthetic_photo(30, 20)};
  try {
    stylize_feedforward(test::synthetic_photo(40, 20), {}, o);
    FAIL() << "a previous frame of another size was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("same size"), std::string::npos) << e.what();
  }
  GatysOptions g;
  g.consistency = 1.5;
  EXPECT_THROW(stylize_gatys(test::synthetic_photo(40, 20), {{test::synthetic_style(20, 20), 1.0}}, {}, g), Error);
}

TEST(Temporal, PretrainedModelFramesFlickerLess) {
  IMPASTO_REQUIRE_FIXTURES();
  const auto photo = rocket();
  const auto first = window(photo, 100, 60, 200, 150), second = window(photo, 100 + kDx, 60 + kDy, 200, 150);
  FeedForwardOptions o;  // the built-in default style
  o.threads = 2;
  const auto one = stylize_feedforward(first, {}, o).image;
  const auto alone = stylize_feedforward(second, {}, o).image;
  o.previous = {first, one};
  const auto followed = stylize_feedforward(second, {}, o).image;
  const double e_alone = true_warping_error(one, alone), e_followed = true_warping_error(one, followed);
  EXPECT_LT(e_followed, 0.5 * e_alone) << e_followed << " vs " << e_alone;
}

TEST(Temporal, OptimisedFramesFlickerLess) {
  IMPASTO_REQUIRE_FIXTURES();
  const auto photo = rocket();
  const auto first = window(photo, 100, 60, 120, 90), second = window(photo, 100 + kDx, 60 + kDy, 120, 90);
  GatysOptions o;
  o.network.network = "random";
  o.size = 120;
  o.iterations = 20;
  o.threads = 2;
  o.init = Init::Noise;  // alone, each frame takes its own way
  const std::vector<StyleInput> styles{{test::synthetic_style(60, 60), 1.0}};
  const auto one = stylize_gatys(first, styles, {}, o).image;
  o.seed = 1;
  const auto alone = stylize_gatys(second, styles, {}, o).image;
  o.previous = {first, one};
  const auto followed = stylize_gatys(second, styles, {}, o).image;
  const double e_alone = true_warping_error(one, alone), e_followed = true_warping_error(one, followed);
  EXPECT_LT(e_followed, 0.5 * e_alone) << e_followed << " vs " << e_alone;
}
