// The job-scoped buffer recycler (core/src/recycling_allocator.h): reused
// buffers never overlap a live one and keep what is written to them, also
// once the cache is full and the longest-kept ones are returned.
#include "recycling_allocator.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace impasto {
namespace {

TEST(RecyclingAllocator, LiveBuffersNeverOverlapThroughReuseAndEviction) {
  RecyclingScope scope;
  std::mt19937 rng(11);
  // Sizes from below the recycling threshold to tens of MiB: some requests
  // find a kept buffer, others not, and over 400 steps far more than the
  // cache's 1 GiB is freed, so it evicts.
  std::uniform_int_distribution<int64_t> bytes(200 * 1024, 40 * 1024 * 1024);
  struct Live {
    torch::Tensor t;
    uint8_t mark;
  };
  std::vector<Live> live;
  for (int step = 0; step < 400; ++step) {
    if (!live.empty() && (live.size() > 12 || rng() % 3 == 0)) {
      const std::size_t victim = rng() % live.size();
      const auto& l = live[victim];
      ASSERT_TRUE(torch::all(l.t == l.mark).item<bool>()) << "a buffer was overwritten at step " << step;
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(victim));
      continue;
    }
    const uint8_t mark = static_cast<uint8_t>(step % 251 + 1);
    auto t = torch::empty({bytes(rng)}, torch::kByte);
    t.fill_(mark);  // every page touched: an overlap shows in a neighbour
    live.push_back({t, mark});
  }
  for (const auto& l : live) EXPECT_TRUE(torch::all(l.t == l.mark).item<bool>());
}

TEST(RecyclingAllocator, BuffersOutliveTheScope) {
  torch::Tensor kept;
  {
    RecyclingScope scope;
    auto scratch = torch::full({8 << 20}, 3, torch::kByte);
    scratch.reset();
    kept = torch::full({6 << 20}, 7, torch::kByte);  // likely the head of the freed one
  }
  EXPECT_TRUE(torch::all(kept == 7).item<bool>());
  kept.fill_(9);
  EXPECT_EQ(kept.sum().item<int64_t>(), int64_t{9} * (6 << 20));
}

}  // namespace
}  // namespace impasto
