// The rearranged inference network (core/src/style_models/ml5_inference.h) against the
// plain one it replaces, on random weights of unusual widths, with the
// published 3-tap and the resize-convolution 4-tap upsampling layers.
#include "style_models/ml5_inference.h"
#include "style_models/ml5_network.h"

#include <gtest/gtest.h>

namespace impasto {
namespace {

Ml5TransformerNet random_net(uint64_t seed, int upsampling_kernel) {
  Ml5Architecture arch;
  arch.widths = {8, 12, 20};
  arch.residual_blocks = 2;
  arch.upsampling_kernel = upsampling_kernel;
  Ml5TransformerNet net(arch, seed);
  // Norm scales and shifts away from 1 and 0, so a mix-up shows.
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed + 1);
  for (std::size_t i = 0; i < net->variables().size(); ++i)
    if (i % 3 != 0) net->variables()[i].uniform_(0.5, 1.5, gen);
  return net;
}

torch::Tensor random_image(int64_t h, int64_t w, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::rand({1, 3, h, w}, gen);
}

class Ml5InferenceTaps : public ::testing::TestWithParam<int> {};

TEST_P(Ml5InferenceTaps, MatchesThePlainNetwork) {
  auto net = random_net(3, GetParam());
  Ml5Inference fast(*net, torch::kCPU);
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{36, 52}, {4, 8}, {64, 40}}) {
    auto x = random_image(h, w, 7);
    torch::Tensor expected;
    {
      torch::NoGradGuard no_grad;
      expected = net->forward(x);
    }
    c10::InferenceMode inference;
    NormStatistics stats;
    auto got = fast.forward(x, stats);
    ASSERT_EQ(got.sizes(), expected.sizes());
    EXPECT_LT((got - expected).abs().max().item<double>(), 1e-4) << h << "x" << w;
    EXPECT_TRUE(torch::equal(x, random_image(h, w, 7))) << "the input was changed";
  }
}

TEST_P(Ml5InferenceTaps, ReplaysRecordedStatisticsLikeThePlainNetwork) {
  auto net = random_net(5, GetParam());
  Ml5Inference fast(*net, torch::kCPU);
  auto whole = random_image(48, 48, 1), tile = whole.narrow(2, 8, 24).narrow(3, 16, 24);
  torch::Tensor expected;
  {
    torch::NoGradGuard no_grad;
    net->statistics.mode = NormStatistics::Mode::Record;
    net->forward(whole);
    net->statistics.mode = NormStatistics::Mode::Replay;
    expected = net->forward(tile);
  }
  c10::InferenceMode inference;
  NormStatistics stats;
  stats.mode = NormStatistics::Mode::Record;
  fast.forward(whole, stats);
  stats.mode = NormStatistics::Mode::Replay;
  auto got = fast.forward(tile, stats);
  EXPECT_LT((got - expected).abs().max().item<double>(), 1e-4);
  // Replayed statistics differ from the tile's own: the test would not see a replay that did nothing.
  NormStatistics own;
  EXPECT_GT((fast.forward(tile, own) - expected).abs().max().item<double>(), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(UpsamplingKernel, Ml5InferenceTaps, ::testing::Values(3, 4));

TEST(Ml5Network, FourTapKernelIsNearestUpsamplingThenThe3x3Convolution) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(11);
  auto w = torch::randn({5, 6, 3, 3}, gen), x = torch::randn({1, 6, 7, 9}, gen);
  namespace F = torch::nn::functional;
  auto expected = F::conv2d(F::interpolate(x, F::InterpolateFuncOptions()
                                                  .scale_factor(std::vector<double>{2, 2})
                                                  .mode(torch::kNearest)
                                                  .recompute_scale_factor(false)),
                            w, F::Conv2dFuncOptions().padding(1));
  // TF 'same' conv2d_transpose with 4 taps: the full output cropped from 1.
  auto got = F::conv_transpose2d(x, resize_conv_kernel(w), F::ConvTranspose2dFuncOptions().stride(2))
                 .narrow(2, 1, 14)
                 .narrow(3, 1, 18);
  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_LT((got - expected).abs().max().item<double>(), 1e-4);
}

}  // namespace
}  // namespace impasto
