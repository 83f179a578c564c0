#include "impasto/error.h"
#include "impasto/network_loader.h"
#include "impasto/perceptual_loss.h"
#include "optimisation/tiled_objective.h"

#include <gtest/gtest.h>

using namespace impasto;

namespace {

// A smooth picture with some structure (a photo-like gradient field plus
// shapes), not noise.
torch::Tensor picture(int64_t h, int64_t w, double phase) {
  auto y = torch::linspace(0, 1, h).view({1, 1, h, 1}).expand({1, 1, h, w});
  auto x = torch::linspace(0, 1, w).view({1, 1, 1, w}).expand({1, 1, h, w});
  auto r = 0.5 + 0.4 * torch::sin(6.0 * x + phase) * torch::cos(4.0 * y);
  auto g = 0.3 + 0.5 * y * x;
  auto b = ((x - 0.4).pow(2) + (y - 0.6).pow(2) < 0.05).to(torch::kFloat) * 0.6 + 0.2;
  return torch::cat({r, g, b}, 1).contiguous();
}

struct Whole {
  double loss;
  torch::Tensor gradient;
};

// The same objective over the whole picture at once, with the network's own
// mirror padding as wide as the tiles' margin.
Whole whole_picture(PerceptualLoss& problem, const torch::Tensor& content, const torch::Tensor& image) {
  auto targets = problem.content_targets(content);
  auto x = image.clone().set_requires_grad(true);
  auto loss = problem.loss(x, targets);
  loss.backward();
  return {loss.item<double>(), x.grad()};
}

}  // namespace

// Tiles of 64 pixels: a 4 x 3 grid with partial tiles at the right and
// bottom, two passes each; 256: the picture in one tile, one pass.
class TiledObjectiveTiles : public ::testing::TestWithParam<int64_t> {};

TEST_P(TiledObjectiveTiles, LossAndGradientEqualTheWholePictures) {
  NetworkOptions n;
  n.network = "random";
  auto network = NetworkLoader(n).load();
  const int64_t margin = 32;
  network->set_reflect_padding(static_cast<int>(margin));
  auto content = picture(200, 170, 0.0);
  auto style = picture(90, 120, 2.0).flip(3);
  auto image = (0.7 * content + 0.3 * picture(200, 170, 1.0)).contiguous();
  PerceptualLossOptions options;
  options.tv_weight = 0.5;
  PerceptualLoss problem(network, {style}, {1.0}, options);
  const auto whole = whole_picture(problem, content, image);

  TiledObjective::Options tiling;
  tiling.tile = GetParam();
  tiling.margin = margin;
  TiledObjective tiled(network, options, {style}, {1.0}, content, tiling);
  EXPECT_EQ(tiled.passes(), GetParam() == 64 ? 2 * 4 * 3 : 1);
  EXPECT_EQ(network->reflect_padding(), margin) << "the network's own padding is restored";
  torch::Tensor gradient;
  LossBreakdown parts;
  int reports = 0;
  const double loss = tiled.evaluate(image, gradient, &parts, [&](int, int) { return ++reports > 0; });
  EXPECT_EQ(reports, tiled.passes());
  EXPECT_NEAR(loss, whole.loss, 1e-5 * whole.loss);
  EXPECT_GT(parts.style, 0.0);
  EXPECT_GT(parts.content, 0.0);
  EXPECT_GT(parts.tv, 0.0);
  ASSERT_EQ(gradient.sizes(), image.sizes());
  const double scale = whole.gradient.abs().max().item<double>();
  ASSERT_GT(scale, 0.0);
  EXPECT_LT((gradient - whole.gradient).abs().max().item<double>(), 1e-4 * scale);
}

INSTANTIATE_TEST_SUITE_P(TileSides, TiledObjectiveTiles, ::testing::Values(int64_t{64}, int64_t{256}));

TEST(TiledObjective, StopsWhenTheCallbackSaysSo) {
  NetworkOptions n;
  n.network = "random";
  auto network = NetworkLoader(n).load();
  auto content = picture(96, 96, 0.0);
  TiledObjective::Options tiling;
  tiling.tile = 32;
  TiledObjective tiled(network, PerceptualLossOptions(), {picture(64, 64, 1.0)}, {1.0}, content, tiling);
  torch::Tensor gradient;
  int reports = 0;
  EXPECT_THROW(tiled.evaluate(content, gradient, nullptr, [&](int, int) { return ++reports < 3; }), Cancelled);
  EXPECT_EQ(reports, 3);
}

// Taking the targets of a large picture and painting is seconds of work:
// the constructor offers a cancel point after every tile of either, and a
// throw there abandons it.
TEST(TiledObjective, TakingTheTargetsCanBeCancelledAfterEveryTile) {
  NetworkOptions n;
  n.network = "random";
  auto network = NetworkLoader(n).load();
  auto content = picture(200, 170, 0.0);
  auto style = picture(90, 120, 2.0);
  TiledObjective::Options tiling;
  tiling.tile = 64;
  tiling.margin = 32;
  int ticks = 0;
  TiledObjective tiled(network, PerceptualLossOptions(), {style}, {1.0}, content, tiling, [&]() { ++ticks; });
  // The painting (90 x 120: 2 x 2 tiles) and the photo (4 x 3 tiles).
  EXPECT_EQ(ticks, 2 * 2 + 4 * 3);
  int before_cancel = 0;
  EXPECT_THROW(TiledObjective(network, PerceptualLossOptions(), {style}, {1.0}, content, tiling,
                              [&]() {
                                if (++before_cancel == 3) throw Cancelled();
                              }),
               Cancelled);
  EXPECT_EQ(before_cancel, 3);
}
