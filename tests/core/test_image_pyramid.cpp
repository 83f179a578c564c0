// The pyramid the Gatys optimiser moves (core/src/optimisation/image_pyramid.h): it starts
// at exactly the given picture, has the levels its limits allow, and hands
// each coarse level the gradient of every pixel it covers, weighted gain^k.
#include "optimisation/image_pyramid.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

namespace impasto {
namespace {

TEST(ImagePyramid, StartsAtThePictureWithZeroCoarseLevels) {
  torch::manual_seed(3);
  const auto image = torch::rand({1, 3, 37, 50});
  ImagePyramid pyramid(image, 4, 0.5, 4);
  ASSERT_EQ(pyramid.levels().size(), 4u);
  EXPECT_EQ(pyramid.levels()[1].sizes(), (torch::IntArrayRef{1, 3, 19, 25}));
  EXPECT_EQ(pyramid.levels()[3].sizes(), (torch::IntArrayRef{1, 3, 5, 7}));
  EXPECT_TRUE(torch::equal(pyramid.picture(), image));
  for (const auto& level : pyramid.levels()) EXPECT_TRUE(level.requires_grad());
  // The caller's tensor is not the one optimised.
  pyramid.levels()[0].data().add_(1.0);
  EXPECT_FALSE(torch::equal(pyramid.picture(), image));
}

TEST(ImagePyramid, StopsAtTheSmallestSideAndTheLevelCount) {
  const auto image = torch::zeros({1, 3, 64, 200});
  EXPECT_EQ(ImagePyramid(image, 8, 0.5, 16).levels().size(), 3u);  // 64, 32, 16
  EXPECT_EQ(ImagePyramid(image, 2, 0.5, 16).levels().size(), 2u);
  EXPECT_EQ(ImagePyramid(image, 1, 0.5, 16).levels().size(), 1u);
  EXPECT_EQ(ImagePyramid(torch::zeros({1, 3, 9, 9}), 4, 0.5, 16).levels().size(), 1u);
}

TEST(ImagePyramid, CoarseLevelsGatherTheGradientOfThePixelsTheyCover) {
  const auto image = torch::zeros({1, 3, 64, 64});
  const double gain = 0.7;
  ImagePyramid pyramid(image, 3, gain, 8);
  // A gradient of ones: level k covers 4^k pixels per sample.
  pyramid.picture().sum().backward();
  for (std::size_t k = 0; k < pyramid.levels().size(); ++k) {
    const auto g = pyramid.levels()[k].grad();
    ASSERT_TRUE(g.defined());
    const double expected = std::pow(4.0 * gain, static_cast<double>(k));
    EXPECT_NEAR(g.mean().item<double>(), expected, 1e-4 * expected) << "level " << k;
  }
  // A moved coarse level shifts the picture smoothly: the change has no
  // sharp steps between neighbouring pixels.
  ImagePyramid moved(image, 3, gain, 8);
  moved.levels()[2].data().normal_();
  const auto x = moved.picture().detach();
  const auto step = (x.slice(3, 1) - x.slice(3, 0, -1)).abs().max().item<double>();
  EXPECT_LT(step, 0.5 * x.abs().max().item<double>());
  EXPECT_GT(x.abs().max().item<double>(), 0.0);
}

}  // namespace
}  // namespace impasto
