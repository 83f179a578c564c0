#include "impasto/losses.h"

#include <gtest/gtest.h>

using namespace impasto;

TEST(Losses, GramMatchesHandComputation) {
  // One image, 2 channels, 1 x 2 pixels: F = [[1, 2], [3, 4]].
  auto f = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 2, 1, 2});
  auto g = gram_matrix(f);
  // F F^T = [[5, 11], [11, 25]], divided by C*H*W = 4.
  EXPECT_FLOAT_EQ(g[0][0][0].item<float>(), 5.0f / 4);
  EXPECT_FLOAT_EQ(g[0][0][1].item<float>(), 11.0f / 4);
  EXPECT_FLOAT_EQ(g[0][1][0].item<float>(), 11.0f / 4);
  EXPECT_FLOAT_EQ(g[0][1][1].item<float>(), 25.0f / 4);
}

TEST(Losses, ContentLossMeanAndNormalised) {
  auto x = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 2, 2});
  auto t = torch::tensor({1.0f, 0.0f, 3.0f, 2.0f}).view({1, 1, 2, 2});
  // Squared errors 0, 4, 0, 4: mean 2; target energy 1 + 9 + 4 = 14.
  EXPECT_NEAR(content_loss(x, t, LossScale::Mean).item<double>(), 2.0, 1e-6);
  EXPECT_NEAR(content_loss(x, t, LossScale::Normalised).item<double>(), 8.0 / 14.0, 1e-6);
  EXPECT_NEAR(content_loss(t, t, LossScale::Normalised).item<double>(), 0.0, 1e-12);
}

TEST(Losses, StyleLossOnGrams) {
  auto a = gram_matrix(torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 2, 1, 2}));
  auto b = gram_matrix(torch::tensor({0.0f, 2.0f, 3.0f, 0.0f}).view({1, 2, 1, 2}));
  // b = [[4, 0], [0, 9]] / 4; a - b = [[1, 11], [11, 16]] / 4.
  const double mean = (1.0 + 121.0 + 121.0 + 256.0) / 16.0 / 4.0;
  EXPECT_NEAR(style_loss(a, b, LossScale::Mean).item<double>(), mean, 1e-6);
  const double norm = (1.0 + 121.0 + 121.0 + 256.0) / (16.0 + 81.0);
  EXPECT_NEAR(style_loss(a, b, LossScale::Normalised).item<double>(), norm, 1e-6);
}

TEST(Losses, TotalVariation) {
  // 1 x 1 x 2 x 2 image [[0, 1], [2, 4]]: vertical diffs 2, 3 -> mean sq 6.5;
  // horizontal diffs 1, 2 -> mean sq 2.5.
  auto img = torch::tensor({0.0f, 1.0f, 2.0f, 4.0f}).view({1, 1, 2, 2});
  EXPECT_NEAR(total_variation_loss(img).item<double>(), 9.0, 1e-6);
  // A constant image has none; a 1 x 1 image has no neighbours at all.
  EXPECT_NEAR(total_variation_loss(torch::full({1, 3, 5, 5}, 0.3f)).item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(total_variation_loss(torch::ones({1, 3, 1, 1})).item<double>(), 0.0, 1e-12);
}

TEST(Losses, GradientsFlow) {
  auto x = torch::rand({1, 3, 8, 8}).requires_grad_(true);
  auto target = gram_matrix(torch::rand({1, 3, 8, 8}));
  auto loss = style_loss(gram_matrix(x), target, LossScale::Normalised) + total_variation_loss(x);
  loss.backward();
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
}

namespace {

// Half Prussian blue, half cream, in two blocks: the palette of a print.
torch::Tensor two_colour_picture(int64_t h, int64_t w, bool stripes) {
  auto blue = torch::tensor({0.1f, 0.2f, 0.6f}).view({1, 3, 1, 1});
  auto cream = torch::tensor({0.9f, 0.85f, 0.7f}).view({1, 3, 1, 1});
  auto which = stripes ? (torch::arange(w) % 2 == 0).view({1, 1, 1, w}).expand({1, 1, h, w})
                       : (torch::arange(h) < h / 2).view({1, 1, h, 1}).expand({1, 1, h, w});
  return torch::where(which, blue, cream);
}

torch::Tensor unit_directions() {
  auto d = torch::randn({32, 3}, at::make_generator<at::CPUGeneratorImpl>(3));
  return d / d.norm(2, 1, true);
}

}  // namespace

TEST(Losses, SlicedColourDistanceSeesThePaletteNotTheLayout) {
  const auto directions = unit_directions();
  const auto palette = sorted_colour_projections(two_colour_picture(40, 60, false), directions);
  // The same colours in the same shares, laid out otherwise, at another
  // size and in a batch of two: nothing to pay.
  auto stripes = two_colour_picture(20, 30, true);
  EXPECT_NEAR(sliced_colour_distance(torch::cat({stripes, stripes}), directions, palette).item<double>(), 0.0, 1e-12);
  // Their mean colour everywhere (what a Gram-matched network paints):
  // the distance is the palette's variance along the directions.
  auto mean = torch::tensor({0.5f, 0.525f, 0.65f}).view({1, 3, 1, 1}).expand({1, 3, 16, 16});
  const double grey = sliced_colour_distance(mean, directions, palette).item<double>();
  EXPECT_GT(grey, 0.01);
  // All cream: also wrong, the blue half is missing.
  auto cream = torch::tensor({0.9f, 0.85f, 0.7f}).view({1, 3, 1, 1}).expand({1, 3, 16, 16});
  EXPECT_GT(sliced_colour_distance(cream, directions, palette).item<double>(), 0.01);
}

TEST(Losses, SlicedColourDistanceGradientSpreadsAGreyTowardsThePalette) {
  const auto directions = unit_directions();
  const auto palette = sorted_colour_projections(two_colour_picture(40, 60, false), directions);
  // A grey picture with a little variation, so that its pixels can part.
  auto noise = torch::rand({1, 3, 16, 16}, at::make_generator<at::CPUGeneratorImpl>(5));
  auto x = (torch::full({1, 3, 16, 16}, 0.5f) + 0.02f * noise).requires_grad_(true);
  const double before = sliced_colour_distance(x, directions, palette).item<double>();
  // The mean over pixels makes each pixel's gradient about 1/256 of its
  // error; a step of 100 moves it about half way.
  torch::optim::SGD sgd({x}, torch::optim::SGDOptions(100.0));
  for (int i = 0; i < 200; ++i) {
    sgd.zero_grad();
    sliced_colour_distance(x, directions, palette).backward();
    sgd.step();
  }
  const double after = sliced_colour_distance(x, directions, palette).item<double>();
  // Fixed directions leave a few pixels between the two colours; most of
  // the distance must go.
  EXPECT_LT(after, 0.25 * before) << "before " << before << ", after " << after;
  // Part of the picture went blue: the blue channel now exceeds the red one
  // by a wide margin somewhere.
  auto blueness = (x[0][2] - x[0][0]).max().item<double>();
  EXPECT_GT(blueness, 0.3);
}
