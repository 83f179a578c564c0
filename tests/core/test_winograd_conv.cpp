// The Winograd convolution (core/src/kernels/winograd_conv.h) against ATen's, forward
// and input gradient, on shapes oneDNN's kernel takes and ones it does not;
// and the blocked chain the ml5 residual blocks run, against the same layers
// one by one.
#include "kernels/winograd_conv.h"

#include "kernels/instance_norm.h"

#include <gtest/gtest.h>

namespace impasto {
namespace {

namespace F = torch::nn::functional;

struct Shape {
  int64_t n, in, out, h, w;
  bool bias;
};

class WinogradConvTest : public ::testing::TestWithParam<Shape> {};

TEST_P(WinogradConvTest, MatchesAtenForwardAndInputGradient) {
  const Shape s = GetParam();
  torch::manual_seed(7);
  auto weight = torch::randn({s.out, s.in, 3, 3}) * std::sqrt(2.0 / (9.0 * s.in));
  auto bias = s.bias ? torch::randn({s.out}) : torch::Tensor();
  WinogradConv2d conv(weight, bias);
  auto x = torch::randn({s.n, s.in, s.h, s.w});
  auto upstream = torch::randn({s.n, s.out, s.h, s.w});

  auto x1 = x.clone().contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
  auto y1 = conv->forward(x1);
  (y1 * upstream).sum().backward();
  auto x2 = x.clone().requires_grad_(true);
  auto y2 = F::conv2d(x2, weight, F::Conv2dFuncOptions().bias(bias).padding(1));
  (y2 * upstream).sum().backward();

  ASSERT_EQ(y1.sizes(), y2.sizes());
  EXPECT_LT((y1 - y2).abs().max().item<double>(), 1e-4 * y2.abs().max().item<double>());
  EXPECT_LT((x1.grad() - x2.grad()).abs().max().item<double>(), 1e-4 * x2.grad().abs().max().item<double>());
  // Weights are constants, and inference needs no graph.
  EXPECT_FALSE(conv->weight.requires_grad());
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(conv->forward(x1.detach()), y1.detach()));
}

INSTANTIATE_TEST_SUITE_P(Shapes, WinogradConvTest,
                         ::testing::Values(Shape{1, 16, 32, 37, 29, true},   // odd sizes, partial tiles
                                           Shape{2, 64, 64, 20, 24, false},  // a batch
                                           Shape{1, 128, 128, 64, 64, true},
                                           Shape{1, 3, 64, 33, 17, true},    // 3 input channels: ATen
                                           Shape{1, 16, 16, 1, 1, false}));  // 1x1 picture

TEST(WinogradChain, MatchesTheLayersOneByOneAndSharesNormStatistics) {
  torch::manual_seed(5);
  const int64_t c = 32;
  auto w1 = torch::randn({c, c, 3, 3}) * std::sqrt(2.0 / (9.0 * c));
  auto w2 = torch::randn({c, c, 3, 3}) * std::sqrt(2.0 / (9.0 * c));
  auto k1 = make_winograd_kernel(w1, {}), k2 = make_winograd_kernel(w2, {});
  auto scale = torch::rand({c}) + 0.5, shift = torch::randn({c});
  auto x = torch::randn({2, c, 21, 34}).contiguous(at::MemoryFormat::ChannelsLast);
  torch::NoGradGuard no_grad;
  if (!winograd_chain_ready(k1, x)) GTEST_SKIP() << "no blocked Winograd chain on this CPU";
  ASSERT_TRUE(winograd_chain_ready(k2, x));

  // One residual block, layer by layer in channels_last, recording the
  // statistics as tiling does on the reduced picture.
  NormStatistics recorded;
  recorded.mode = NormStatistics::Mode::Record;
  auto r = instance_norm(winograd_conv2d(x, k1, w1, {}), scale, shift, 1e-3, recorded, true);
  auto plain = x.clone().add_(instance_norm(winograd_conv2d(r, k2, w2, {}), scale, shift, 1e-3, recorded, false));

  // The same block in the blocked layout.
  NormStatistics own;
  auto xb = winograd_to_blocked(k1, x);
  ASSERT_EQ(xb.sizes(), (torch::IntArrayRef{2, c / 16, 21, 34, 16}));
  auto rb = instance_norm_blocked(winograd_conv2d_blocked(k1, xb), scale, shift, 1e-3, own, true);
  xb.add_(instance_norm_blocked(winograd_conv2d_blocked(k2, rb), scale, shift, 1e-3, own, false));
  auto chained = winograd_from_blocked(k1, xb);
  EXPECT_TRUE(chained.is_contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_LT((chained - plain).abs().max().item<double>(), 1e-4);

  // Statistics recorded layer by layer replay in the blocked layout.
  recorded.mode = NormStatistics::Mode::Replay;
  recorded.next = 0;
  auto yb = winograd_to_blocked(k1, x);
  auto sb = instance_norm_blocked(winograd_conv2d_blocked(k1, yb), scale, shift, 1e-3, recorded, true);
  yb.add_(instance_norm_blocked(winograd_conv2d_blocked(k2, sb), scale, shift, 1e-3, recorded, false));
  EXPECT_LT((winograd_from_blocked(k1, yb) - plain).abs().max().item<double>(), 1e-4);
}

}  // namespace
}  // namespace impasto
