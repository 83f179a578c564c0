#include "impasto/error.h"
#include "impasto/gatys.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <fstream>

using namespace impasto;

namespace {

// Small, fast settings on the weights-free network.
GatysOptions fast_options() {
  GatysOptions o;
  o.network.network = "random";
  o.size = 48;
  o.iterations = 6;
  o.threads = 2;
  return o;
}

std::vector<StyleInput> one_style() { return {{test::synthetic_style(40, 40), 1.0}}; }

torch::Tensor chroma(const Image& img) {
  auto t = torch::from_blob(const_cast<float*>(img.pixels.data()), {img.height, img.width, img.channels})
               .narrow(2, 0, 3).permute({2, 0, 1}).unsqueeze(0);
  return rgb_to_yiq(t).narrow(1, 1, 2);
}

}  // namespace

TEST(Gatys, OutputHasInputSizeAndDiffers) {
  auto content = test::synthetic_photo(70, 50);
  auto r = stylize_gatys(content, one_style(), {}, fast_options());
  EXPECT_EQ(r.image.width, 70);
  EXPECT_EQ(r.image.height, 50);
  EXPECT_EQ(r.image.channels, 3);
  EXPECT_GT(test::mean_abs_diff(r.image, content), 0.01);
  EXPECT_TRUE(r.used_fallback);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes.front().find("fallback"), std::string::npos);
}

TEST(Gatys, SameSeedIsBitIdenticalOtherSeedDiffers) {
  auto o = fast_options();
  o.init = Init::Noise;
  o.seed = 7;
  auto content = test::synthetic_photo(40, 40);
  auto a = stylize_gatys(content, one_style(), {}, o);
  auto b = stylize_gatys(content, one_style(), {}, o);
  EXPECT_EQ(a.image.pixels, b.image.pixels);
  o.seed = 8;
  auto c = stylize_gatys(content, one_style(), {}, o);
  EXPECT_NE(a.image.pixels, c.image.pixels);
}

TEST(Gatys, InitialImageChoices) {
  auto o = fast_options();
  o.iterations = 1;
  auto content = test::synthetic_photo(40, 40);
  std::vector<Image> first;
  for (Init init : {Init::Content, Init::Noise, Init::Style}) {
    o.init = init;
    Image start;
    stylize_gatys(content, one_style(), {}, o, [&](const Progress& p) {
      start = p.intermediate();
      return true;
    });
    first.push_back(start);
  }
  // One step from three different starting points: three different images.
  ASSERT_EQ(first[0].pixels.size(), first[1].pixels.size());
  EXPECT_GT(test::mean_abs_diff(first[0], first[1]), 0.05);
  EXPECT_GT(test::mean_abs_diff(first[0], first[2]), 0.05);
  EXPECT_GT(test::mean_abs_diff(first[1], first[2]), 0.05);
}

TEST(Gatys, ProgressIsReportedEveryIterationAndLossFalls) {
  auto o = fast_options();
  o.iterations = 10;
  std::vector<Progress> seen;
  Image intermediate;
  stylize_gatys(test::synthetic_photo(40, 40), one_style(), {}, o, [&](const Progress& p) {
    seen.push_back(p);
    if (seen.size() == 5) intermediate = p.intermediate();
    return true;
  });
  ASSERT_EQ(seen.size(), 10u);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].fraction, seen[i - 1].fraction);
  EXPECT_DOUBLE_EQ(seen.back().fraction, 1.0);
  EXPECT_TRUE(std::isfinite(seen.front().loss));
  EXPECT_LT(seen.back().loss, seen.front().loss);
  EXPECT_FALSE(intermediate.empty());
  EXPECT_EQ(intermediate.channels, 3);
}

TEST(Gatys, CancellationStopsWithinOneIteration) {
  auto o = fast_options();
  o.iterations = 50;
  int calls = 0;
  EXPECT_THROW(stylize_gatys(test::synthetic_photo(40, 40), one_style(), {}, o,
                             [&](const Progress&) { return ++calls < 3; }),
               Cancelled);
  EXPECT_EQ(calls, 3);
}

TEST(Gatys, MultiScaleScheduleForLargeSizes) {
  auto o = fast_options();
  o.size = 300;
  o.iterations = 4;
  std::set<int> scales;
  int total_scales = 0;
  stylize_gatys(test::synthetic_photo(300, 200), one_style(), {}, o, [&](const Progress& p) {
    scales.insert(p.scale);
    total_scales = p.scales;
    return true;
  });
  EXPECT_EQ(total_scales, 2);
  EXPECT_EQ(scales.size(), 2u);
  o.multiscale = GatysOptions::MultiScale::Off;
  stylize_gatys(test::synthetic_photo(300, 200), one_style(), {}, o, [&](const Progress& p) {
    total_scales = p.scales;
    return true;
  });
  EXPECT_EQ(total_scales, 1);
}

TEST(Gatys, LuminanceOnlyKeepsTheContentChroma) {
  auto o = fast_options();
  o.iterations = 15;
  o.loss.style_weight = 20.0;
  o.preserve_colors = ColorPreservation::Luminance;
  auto content = test::synthetic_photo(48, 40);
  auto r = stylize_gatys(content, one_style(), {}, o);
  EXPECT_GT(test::mean_abs_diff(r.image, content), 0.005);  // the luminance changed
  // Chroma equals the content's wherever the result did not clip.
  auto diff = (chroma(r.image) - chroma(content)).abs();
  EXPECT_LT(diff.median().item<double>(), 2e-3);
  EXPECT_LT(diff.mean().item<double>(), 0.02);
}

TEST(Gatys, HistogramMatchingKeepsColoursCloserToTheContent) {
  auto content = test::synthetic_photo(48, 40);
  auto mean_colour_distance = [&](const Image& img) {
    double d = 0.0;
    for (int c = 0; c < 3; ++c) {
      double a = 0.0, b = 0.0;
      for (int i = 0; i < img.width * img.height; ++i) {
        a += img.pixels[i * 3 + c];
        b += content.pixels[i * 3 + c];
      }
      d += std::abs(a - b) / (img.width * img.height);
    }
    return d;
  };
  auto o = fast_options();
  o.iterations = 15;
  o.loss.style_weight = 20.0;
  auto plain = stylize_gatys(content, one_style(), {}, o);
  o.preserve_colors = ColorPreservation::Histogram;
  auto matched = stylize_gatys(content, one_style(), {}, o);
  EXPECT_LT(mean_colour_distance(matched.image), mean_colour_distance(plain.image));
}

TEST(Gatys, MaskLimitsTheStyle) {
  auto content = test::synthetic_photo(40, 30);
  Image mask(40, 30, 1);
  for (int y = 0; y < 30; ++y)
    for (int x = 20; x < 40; ++x) mask.at(x, y, 0) = 1.0f;
  auto r = stylize_gatys(content, one_style(), mask, fast_options());
  double left = 0.0, right = 0.0;
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x)
      for (int c = 0; c < 3; ++c) (x < 20 ? left : right) += std::abs(r.image.at(x, y, c) - content.at(x, y, c));
  EXPECT_LT(left / (20 * 30 * 3), 1e-6);
  EXPECT_GT(right / (20 * 30 * 3), 0.01);
}

TEST(Gatys, AlphaPassesThroughUnchanged) {
  auto content = test::synthetic_photo(36, 28, 4);
  auto r = stylize_gatys(content, one_style(), {}, fast_options());
  ASSERT_EQ(r.image.channels, 4);
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 36; ++x) ASSERT_EQ(r.image.at(x, y, 3), content.at(x, y, 3));
}

TEST(Gatys, GreyInGreyOut) {
  auto content = test::synthetic_photo(30, 30, 2);
  auto r = stylize_gatys(content, one_style(), {}, fast_options());
  EXPECT_EQ(r.image.channels, 2);
  EXPECT_EQ(r.image.at(7, 5, 1), content.at(7, 5, 1));
}

TEST(Gatys, TinyAndExtremeAspectImages) {
  auto r = stylize_gatys(test::synthetic_photo(1, 1), one_style(), {}, fast_options());
  EXPECT_EQ(r.image.width, 1);
  EXPECT_EQ(r.image.height, 1);
  auto wide = stylize_gatys(test::synthetic_photo(300, 2), one_style(), {}, fast_options());
  EXPECT_EQ(wide.image.width, 300);
  EXPECT_EQ(wide.image.height, 2);
}

TEST(Gatys, ZeroWeightStyleDoesNotChangeTheBlend) {
  auto o = fast_options();
  auto content = test::synthetic_photo(40, 40);
  auto single = stylize_gatys(content, one_style(), {}, o);
  auto blended = stylize_gatys(content, {{test::synthetic_style(40, 40), 1.0}, {test::synthetic_photo(30, 30), 0.0}}, {}, o);
  EXPECT_EQ(single.image.pixels, blended.image.pixels);
  auto mixed = stylize_gatys(content, {{test::synthetic_style(40, 40), 1.0}, {test::synthetic_photo(30, 30), 1.0}}, {}, o);
  EXPECT_NE(single.image.pixels, mixed.image.pixels);
}

TEST(Gatys, AdamAlsoReducesTheLoss) {
  auto o = fast_options();
  o.optimizer = Optimizer::Adam;
  o.iterations = 12;
  double first = 0.0, last = 0.0;
  stylize_gatys(test::synthetic_photo(40, 40), one_style(), {}, o, [&](const Progress& p) {
    if (p.iteration == 1) first = p.loss;
    last = p.loss;
    return true;
  });
  EXPECT_LT(last, first);
}

TEST(Gatys, BadInputIsAClearError) {
  auto content = test::synthetic_photo(20, 20);
  auto expect_error = [&](GatysOptions o, std::vector<StyleInput> styles, Image mask, const std::string& words) {
    try {
      stylize_gatys(content, styles, mask, o);
      ADD_FAILURE() << "accepted; expected: " << words;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  auto o = fast_options();
  expect_error(o, {}, {}, "style image");
  o.iterations = 0;
  expect_error(o, one_style(), {}, "iterations");
  o = fast_options();
  o.loss.style_weight = -1;
  expect_error(o, one_style(), {}, "weights");
  o = fast_options();
  expect_error(o, one_style(), Image(5, 5, 1), "mask");
  o.loss.style_layers = {{"conv9_9", 1.0}};
  expect_error(o, one_style(), {}, "no layer named");
  o = fast_options();
  o.device = "toaster";
  expect_error(o, one_style(), {}, "device");
  expect_error(fast_options(), {{Image(), 1.0}}, {}, "empty");
}

TEST(Gatys, TinyDarknetTransfersStyle) {
  IMPASTO_REQUIRE_SHARED();
  GatysOptions o;
  o.network.model_dir = test::shared_dir() + "/models";
  o.size = 96;
  o.iterations = 20;
  o.threads = 2;
  auto content = test::synthetic_photo(96, 72);
  double first = 0.0, last = 0.0;
  auto r = stylize_gatys(content, one_style(), {}, o, [&](const Progress& p) {
    if (first == 0.0) first = p.loss;
    last = p.loss;
    return true;
  });
  EXPECT_FALSE(r.used_fallback);
  EXPECT_EQ(r.network, "darknet-tiny");
  EXPECT_LT(last, 0.5 * first);
  EXPECT_GT(test::mean_abs_diff(r.image, content), 0.03);
}

// Losses at step 0 equal those of an independent Python implementation of
// the seed algorithm on identical weights and images.
TEST(GatysParity, SeedAlgorithmLossesMatchPython) {
  IMPASTO_REQUIRE_FIXTURES();
  std::ifstream in(test::fixture("reference-losses.json"));
  auto ref = nlohmann::json::parse(in);
  auto shape = [&](const char* k) { return ref["shapes"][k].get<std::vector<int64_t>>(); };
  auto content = test::read_raw(test::fixture("content.f32"), shape("content"));
  auto style = test::read_raw(test::fixture("style.f32"), shape("style"));
  auto image = test::read_raw(test::fixture("image.f32"), shape("image"));

  GatysOptions o;
  o.loss.scale = LossScale::Mean;
  o.loss.content_weight = ref["weights"]["content"];
  o.loss.style_weight = ref["weights"]["style"];
  o.loss.tv_weight = ref["weights"]["tv"];
  auto net = NetworkLoader::load_torchvision_vgg19(test::fixture("vgg19-random.pth"), Pooling::Max);
  PerceptualLoss problem(net, {style}, {1.0}, o.loss);
  LossBreakdown b;
  torch::NoGradGuard no_grad;
  problem.loss(image, problem.content_targets(content), &b);
  for (const auto& [name, value] : std::vector<std::pair<std::string, double>>{
           {"content", b.content}, {"style", b.style}, {"tv", b.tv}, {"total", b.total}}) {
    const double expected = ref["losses"][name];
    EXPECT_NEAR(value, expected, 1e-4 * std::abs(expected)) << name;
  }
}
