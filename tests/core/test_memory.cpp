// The memory estimate and what the process can get (docs/memory.md).
#include "kernels/recycling_allocator.h"
#include "impasto/error.h"
#include "impasto/memory.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <sys/resource.h>

using namespace impasto;

TEST(Memory, FeedForwardEstimateFollowsTheMeasuredPeaks) {
  FeedForwardOptions o;
  const double gb = 1024.0 * 1024.0 * 1024.0;
  // 24 MP measured at 1.85 GiB (docs/memory.md): the estimate errs high, not wildly.
  const double mp24 = feedforward_memory_needed(6000, 4000, false, o) / gb;
  EXPECT_GT(mp24, 1.85 * 1.05);
  EXPECT_LT(mp24, 3.5);
  // 900 MP: the core's two RGBA float copies alone are 27 GB (a GEGL op adds its own two).
  EXPECT_GT(feedforward_memory_needed(30000, 30000, false, o) / gb, 27.0);
  EXPECT_GT(feedforward_memory_needed(2000, 2000, true, o), feedforward_memory_needed(2000, 2000, false, o));
  o.scale = 0.5;  // resampling costs a copy, but fewer processed pixels
  EXPECT_NE(feedforward_memory_needed(2000, 2000, false, o), feedforward_memory_needed(2000, 2000, false, FeedForwardOptions{}));
}

TEST(Memory, GatysEstimateGrowsWithTheProcessingSizeAndTheOptimiser) {
  GatysOptions o;
  o.network.network = "random";
  o.full_resolution = false;
  o.size = 512;
  const auto at512 = gatys_memory_needed(4000, 3000, false, {{800, 600}}, o);
  o.size = 2048;
  const auto at2048 = gatys_memory_needed(4000, 3000, false, {{800, 600}}, o);
  EXPECT_GT(at2048, at512 * 4);
  o.optimizer = Optimizer::Adam;
  EXPECT_LT(gatys_memory_needed(4000, 3000, false, {{800, 600}}, o), at2048 / 2);
}

TEST(Memory, GatysAtFullResolutionGrowsWithThePictureWithinTheBudget) {
  GatysOptions o;
  o.network.network = "random";
  const double gb = 1024.0 * 1024.0 * 1024.0;
  const double mp12 = gatys_memory_needed(4000, 3000, false, {{800, 600}}, o) / gb;
  const double mp24 = gatys_memory_needed(6000, 4000, false, {{800, 600}}, o) / gb;
  EXPECT_GT(mp24, mp12 + 1.0) << "the refinement levels hold several copies of the picture";
  // Measured through the gegl program: 3.49 GB peak for the whole process
  // (docs/memory.md); the estimate errs high, as it should, but not wildly.
  EXPECT_GT(mp24, 3.0);
  EXPECT_LT(mp24, 4.5);
  o.full_resolution = false;
  EXPECT_LT(gatys_memory_needed(6000, 4000, false, {{800, 600}}, o) / gb, mp24 - 1.0);
}

TEST(Memory, AvailableMemoryRespectsTheAddressSpaceLimit) {
  // Buffers earlier tests' jobs left would count on top (see
  // IdleBuffers.AreCountedAsAvailableMemory).
  release_recycled_buffers();
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_AS, &before), 0);
  const auto unlimited = available_memory();
  // Room for one more gigabyte of address space than is mapped now.
  std::ifstream status("/proc/self/status");
  std::string key;
  unsigned long long kb = 0;
  while (status >> key) {
    if (key == "VmSize:") {
      status >> kb;
      break;
    }
  }
  ASSERT_GT(kb, 0u);
  rlimit limited = before;
  limited.rlim_cur = kb * 1024 + (1ull << 30);
  ASSERT_EQ(setrlimit(RLIMIT_AS, &limited), 0);
  const auto under_limit = available_memory();
  bool refused = false;
  std::string message;
  try {
    require_memory(2ull << 30);
  } catch (const Error& e) {
    refused = true;
    message = e.what();
  }
  ASSERT_EQ(setrlimit(RLIMIT_AS, &before), 0);
  EXPECT_LE(under_limit, 1ull << 30);
  EXPECT_GT(under_limit, 512ull << 20);
  EXPECT_LE(under_limit, unlimited);
  EXPECT_TRUE(refused);
  EXPECT_NE(message.find("GB"), std::string::npos) << message;
  EXPECT_NE(message.find("scale the image down"), std::string::npos) << message;
}
