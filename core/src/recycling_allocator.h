// Keeps LibTorch's large CPU buffers for reuse while a job runs (internal
// to core). A network allocates the same activation sizes layer after layer
// and tile after tile; through glibc each one is a fresh mmap whose pages
// the kernel faults in and zeroes, which cost a quarter of the feed-forward
// time (docs/benchmarks.md), and over half of an optimisation step's.
// While at least one RecyclingScope is alive, freed buffers of 1 MiB or
// more are kept and handed out again for requests they fit closely, up to
// the job's peak of live ones (at least 1 GiB), the longest-kept returned
// first to make room; when the last scope ends they are all returned to
// the system, so nothing is held between jobs.
#pragma once

namespace impasto {

class RecyclingScope {
 public:
  RecyclingScope();
  ~RecyclingScope();
  RecyclingScope(const RecyclingScope&) = delete;
  RecyclingScope& operator=(const RecyclingScope&) = delete;
};

}  // namespace impasto
