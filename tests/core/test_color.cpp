#include "impasto/color.h"

#include <gtest/gtest.h>

using namespace impasto;

TEST(Color, YiqRoundTrip) {
  auto rgb = torch::rand({1, 3, 6, 7});
  EXPECT_TRUE(torch::allclose(yiq_to_rgb(rgb_to_yiq(rgb)), rgb, 1e-5, 1e-5));
}

TEST(Color, GreyHasNoChroma) {
  auto grey = torch::full({1, 3, 4, 4}, 0.42f);
  auto yiq = rgb_to_yiq(grey);
  EXPECT_NEAR(yiq[0][0].mean().item<double>(), 0.42, 1e-5);
  EXPECT_NEAR(yiq.narrow(1, 1, 2).abs().max().item<double>(), 0.0, 1e-5);
}

TEST(Color, HistogramMatchingTakesReferenceStatistics) {
  torch::manual_seed(3);
  // Reference: warm colours inside (0, 1) so clamping does not interfere.
  auto reference = torch::stack({0.6 + 0.1 * torch::rand({16, 16}), 0.4 + 0.05 * torch::rand({16, 16}),
                                 0.2 + 0.02 * torch::rand({16, 16})}).unsqueeze(0);
  auto source = 0.3 + 0.2 * torch::rand({1, 3, 20, 12});
  auto out = match_color_statistics(source, reference);
  EXPECT_EQ(out.sizes(), source.sizes());
  auto mean_out = out.mean({0, 2, 3}), mean_ref = reference.mean({0, 2, 3});
  EXPECT_TRUE(torch::allclose(mean_out, mean_ref, 1e-3, 1e-3)) << mean_out << mean_ref;
  auto std_out = out.flatten(2).squeeze(0).std(1), std_ref = reference.flatten(2).squeeze(0).std(1);
  EXPECT_TRUE(torch::allclose(std_out, std_ref, 2e-3, 2e-3)) << std_out << std_ref;
}

TEST(Color, MatchedLuminanceIsGreyWithReferenceStatistics) {
  auto source = torch::rand({1, 3, 10, 10});
  auto reference = 0.5 + 0.1 * torch::rand({1, 3, 10, 10});
  auto y = matched_luminance(source, reference);
  auto yiq = rgb_to_yiq(y);
  EXPECT_LT(yiq.narrow(1, 1, 2).abs().max().item<double>(), 1e-5);
  auto yr = rgb_to_yiq(reference).narrow(1, 0, 1);
  EXPECT_NEAR(yiq.narrow(1, 0, 1).mean().item<double>(), yr.mean().item<double>(), 1e-4);
}
