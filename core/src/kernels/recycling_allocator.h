// Keeps LibTorch's large CPU buffers for reuse while a job runs (internal
// to core). A network allocates the same activation sizes layer after layer
// and tile after tile; through glibc each one is a fresh mmap whose pages
// the kernel faults in and zeroes, which cost a quarter of the feed-forward
// time (docs/benchmarks.md), and over half of an optimisation step's.
// While at least one RecyclingScope is alive, freed buffers of 1 MiB or
// more are kept and handed out again for requests they fit closely, up to
// the job's peak of live ones (at least 1 GiB), the longest-kept returned
// first to make room. When the last scope ends they stay for a grace period
// (20 s) for the next job — a preview re-render or the next picture of a
// batch then skips the page faults, a quarter of a feed-forward pass —
// and are returned to the system once it passes with no job. A job gives
// back what the last one left as soon as it needs a size those buffers
// cannot serve, so it never holds more than it would have alone.
#pragma once

#include <chrono>
#include <cstddef>

namespace impasto {

// Bytes kept for the next job while none runs (0 during a job): memory
// the next job has at hand even though the system counts it as used.
std::size_t recycled_bytes_idle();
// Returns the kept buffers now, if no job runs.
void release_recycled_buffers();
// Returns the kept buffers now, even while a job runs: for a job moving on
// to sizes its earlier buffers cannot serve (a Gatys refinement level), which
// would otherwise hold them beside the new ones up to its peak.
void trim_recycled_buffers();
// How long buffers stay after a job (0: returned at once); for tests.
void set_recycling_grace(std::chrono::milliseconds grace);

class RecyclingScope {
 public:
  RecyclingScope();
  ~RecyclingScope();
  RecyclingScope(const RecyclingScope&) = delete;
  RecyclingScope& operator=(const RecyclingScope&) = delete;
};

}  // namespace impasto
