// The job-scoped buffer recycler (core/src/kernels/recycling_allocator.h): reused
// buffers never overlap a live one and keep what is written to them, also
// once the cache is full and the longest-kept ones are returned; between
// jobs they wait for the next one for a grace period, and a job that cannot
// use them gives them back.
#include "kernels/recycling_allocator.h"

#include "impasto/memory.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <string>
#include <random>
#include <thread>
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


// Each test starts and ends with nothing kept between jobs.
struct IdleBuffers : ::testing::Test {
  void SetUp() override { release_recycled_buffers(); }
  void TearDown() override {
    set_recycling_grace(std::chrono::seconds(20));
    release_recycled_buffers();
  }
};

constexpr int64_t kMiB = 1 << 20;

TEST_F(IdleBuffers, TheNextJobReusesWhatTheLastLeft) {
  set_recycling_grace(std::chrono::seconds(60));
  void* first = nullptr;
  {
    RecyclingScope job;
    auto t = torch::full({64 * kMiB}, 1, torch::kByte);
    first = t.data_ptr();
  }
  EXPECT_EQ(recycled_bytes_idle(), static_cast<std::size_t>(64 * kMiB));
  {
    RecyclingScope job;
    EXPECT_EQ(recycled_bytes_idle(), 0u) << "kept buffers belong to the running job";
    auto t = torch::empty({64 * kMiB}, torch::kByte);
    EXPECT_EQ(t.data_ptr(), first);
  }
  release_recycled_buffers();
  EXPECT_EQ(recycled_bytes_idle(), 0u);
}

TEST_F(IdleBuffers, AJobGivesBackWhatItCannotUse) {
  set_recycling_grace(std::chrono::seconds(60));
  {
    RecyclingScope job;
    auto a = torch::full({48 * kMiB}, 1, torch::kByte);
    auto b = torch::full({96 * kMiB}, 1, torch::kByte);
  }
  EXPECT_EQ(recycled_bytes_idle(), static_cast<std::size_t>(144 * kMiB));
  {
    // A size none of them fits: they go back before it is mapped.
    RecyclingScope job;
    auto big = torch::full({200 * kMiB}, 1, torch::kByte);
  }
  EXPECT_EQ(recycled_bytes_idle(), static_cast<std::size_t>(200 * kMiB));
}

TEST_F(IdleBuffers, ReturnedOnceTheGracePeriodPasses) {
  set_recycling_grace(std::chrono::milliseconds(50));
  {
    RecyclingScope job;
    torch::full({16 * kMiB}, 1, torch::kByte);
  }
  EXPECT_GT(recycled_bytes_idle(), 0u);
  for (int i = 0; i < 100 && recycled_bytes_idle() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(recycled_bytes_idle(), 0u);
}

TEST_F(IdleBuffers, AreCountedAsAvailableMemory) {
  set_recycling_grace(std::chrono::seconds(60));
  {
    RecyclingScope job;
    torch::full({256 * kMiB}, 1, torch::kByte);
  }
  ASSERT_EQ(recycled_bytes_idle(), static_cast<std::size_t>(256 * kMiB));
  // The system counts the kept buffers as used; with an address-space
  // limit 1 GiB above what the process maps (the kept buffers included),
  // the next job still has them on top of that GiB.
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_AS, &before), 0);
  std::ifstream status("/proc/self/status");
  std::string line;
  std::uint64_t mapped_kb = 0;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) mapped_kb = std::stoull(line.substr(7));
  ASSERT_GT(mapped_kb, 0u);
  rlimit limited = before;
  limited.rlim_cur = mapped_kb * 1024 + (1ull << 30);
  ASSERT_EQ(setrlimit(RLIMIT_AS, &limited), 0);
  const auto with_kept = available_memory();
  ASSERT_EQ(setrlimit(RLIMIT_AS, &before), 0);
  EXPECT_GT(with_kept, (1ull << 30) + (200ull << 20));
  EXPECT_LE(with_kept, (1ull << 30) + (256ull << 20));
}

}  // namespace
}  // namespace impasto
