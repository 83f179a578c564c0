#include "impasto/error.h"
#include "impasto/feedforward.h"
#include "test_support.h"

#include <cstring>

using namespace impasto;

namespace {

FeedForwardOptions wave_options() {
  FeedForwardOptions o;
  o.model = "wave";
  o.model_dir = test::shared_dir() + "/models/fast-style-ml5";
  o.threads = 2;
  return o;
}

double channel_mean_diff(const Image& a, const Image& b, int channel) {
  double s = 0.0;
  for (int i = 0; i < a.width * a.height; ++i)
    s += std::abs(a.pixels[i * a.channels + channel] - b.pixels[i * b.channels + channel]);
  return s / (a.width * a.height);
}

}  // namespace

TEST(FeedForward, TiledMatchesTheWholeImage) {
  IMPASTO_REQUIRE_SHARED();
  IMPASTO_REQUIRE_FIXTURES();
  auto model = load_style_model(test::shared_dir() + "/models/fast-style-ml5/wave");
  auto photo = test::read_raw(test::fixture("rocket.f32"), {1, 3, 320, 480});
  c10::InferenceMode inference;
  auto whole = model->stylize(photo);
  int calls = 0, total = 0;
  auto tiled = stylize_tiled(*model, photo, 320, 48, [&](int done, int n) {
    calls = done;
    total = n;
    return true;
  });
  EXPECT_EQ(total, 2);  // 1 x 2 tiles
  EXPECT_EQ(calls, total);
  ASSERT_EQ(tiled.sizes(), whole.sizes());
  const double mean = (tiled - whole).abs().mean().item<double>() * 255.0;
  // Measured 9.1: tiles share the instance-norm statistics of the whole
  // picture seen at 2/3 scale, which approximates them (docs/tiling.md).
  EXPECT_LT(mean, 12.0) << "mean difference in 8-bit levels";
}

TEST(FeedForward, StylisesAtTheInputSizeWithAlphaKept) {
  IMPASTO_REQUIRE_SHARED();
  auto content = test::synthetic_photo(90, 70, 4);
  auto r = stylize_feedforward(content, {}, wave_options());
  EXPECT_EQ(r.model, "wave");
  ASSERT_EQ(r.image.width, 90);
  ASSERT_EQ(r.image.height, 70);
  ASSERT_EQ(r.image.channels, 4);
  EXPECT_GT(channel_mean_diff(r.image, content, 0), 0.05);
  EXPECT_EQ(channel_mean_diff(r.image, content, 3), 0.0);
}

TEST(FeedForward, StrengthBlendsWithTheOriginal) {
  IMPASTO_REQUIRE_SHARED();
  auto content = test::synthetic_photo(64, 48);
  auto o = wave_options();
  o.strength = 0.0;
  auto none = stylize_feedforward(content, {}, o);
  EXPECT_LT(test::mean_abs_diff(none.image, content), 1e-6);
  o.strength = 1.0;
  auto full = stylize_feedforward(content, {}, o);
  o.strength = 0.5;
  auto half = stylize_feedforward(content, {}, o);
  const double d_full = test::mean_abs_diff(full.image, content), d_half = test::mean_abs_diff(half.image, content);
  EXPECT_NEAR(d_half, d_full / 2, d_full * 0.1);
}

TEST(FeedForward, LuminanceOnlyKeepsChroma) {
  IMPASTO_REQUIRE_SHARED();
  auto content = test::synthetic_photo(64, 48);
  auto o = wave_options();
  o.preserve_colors = ColorPreservation::Luminance;
  auto r = stylize_feedforward(content, {}, o);
  auto as_tensor = [](const Image& img) { return test::image_to_tensor_for_test(img); };
  auto diff = (rgb_to_yiq(as_tensor(r.image)).narrow(1, 1, 2) - rgb_to_yiq(as_tensor(content)).narrow(1, 1, 2)).abs();
  EXPECT_LT(diff.median().item<double>(), 2e-3);
}

TEST(FeedForward, ScaleChangesTheWorkingSizeNotTheOutput) {
  IMPASTO_REQUIRE_SHARED();
  auto content = test::synthetic_photo(120, 80);
  auto o = wave_options();
  auto full = stylize_feedforward(content, {}, o);
  o.scale = 0.5;
  auto half = stylize_feedforward(content, {}, o);
  EXPECT_EQ(half.image.width, 120);
  EXPECT_GT(test::mean_abs_diff(full.image, half.image), 0.01);
}

TEST(FeedForward, CancelBetweenTilesAndBadOptions) {
  IMPASTO_REQUIRE_SHARED();
  auto o = wave_options();
  o.tile_size = 64;
  int calls = 0;
  EXPECT_THROW(stylize_feedforward(test::synthetic_photo(200, 200), {}, o,
                                   [&](const Progress&) { return ++calls < 2; }),
               Cancelled);
  EXPECT_EQ(calls, 2);
  auto expect_error = [&](FeedForwardOptions bad, const std::string& words) {
    try {
      stylize_feedforward(test::synthetic_photo(20, 20), {}, bad);
      ADD_FAILURE() << "accepted: " << words;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  o = wave_options();
  o.strength = 2.0;
  expect_error(o, "strength");
  o = wave_options();
  o.model = "no-such-style";
  expect_error(o, "no style model named \"no-such-style\"");
  o = wave_options();
  o.model = "..";
  expect_error(o, "not a model name");
  o = wave_options();
  o.tile_size = 5;
  expect_error(o, "tile size");
}

TEST(FeedForward, ArbitraryStyleModelTakesTheStyleImage) {
  IMPASTO_REQUIRE_FIXTURES();
  FeedForwardOptions o;
  o.model = test::fixture("adain-random");
  o.threads = 2;
  // The fixture's pictures: random weights only respond to such busy input.
  auto to_image = [](const torch::Tensor& t) {
    auto hwc = t.squeeze(0).permute({1, 2, 0}).contiguous();
    Image img(static_cast<int>(hwc.size(1)), static_cast<int>(hwc.size(0)), 3);
    std::memcpy(img.pixels.data(), hwc.data_ptr<float>(), img.pixels.size() * sizeof(float));
    return img;
  };
  auto content = to_image(test::read_raw(test::fixture("torchstyle-input.f32"), {1, 3, 64, 80}));
  try {
    stylize_feedforward(content, {}, o);
    ADD_FAILURE() << "ran without a style";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs a style image"), std::string::npos) << e.what();
  }
  o.style = to_image(test::read_raw(test::fixture("adain-style.f32"), {1, 3, 48, 56}));
  o.style_size = 56;
  o.alpha = 0.7;
  o.tile_size = 64;  // tiles share the content statistics of the whole picture
  auto a = stylize_feedforward(content, {}, o);
  EXPECT_EQ(a.image.width, 80);
  o.alpha = 0.0;  // content features only
  auto b = stylize_feedforward(content, {}, o);
  EXPECT_GT(test::mean_abs_diff(a.image, b.image), 1e-3);  // the style is applied
}
