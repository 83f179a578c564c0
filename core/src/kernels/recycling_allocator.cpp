#include "kernels/recycling_allocator.h"

#include <c10/core/CPUAllocator.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <new>
#include <iterator>
#include <list>
#include <map>
#include <thread>
#include <unordered_map>

namespace impasto {
namespace {

constexpr std::size_t kSmallest = std::size_t{1} << 20;  // below this glibc's heap is fast enough
constexpr std::size_t kAlignment = 64;                    // as c10's own CPU allocator
constexpr std::size_t kKeptFloor = std::size_t{1} << 30;
// How long buffers stay after the last job, for the next one (a preview
// re-render, the next picture of a batch) to reuse.
constexpr std::chrono::seconds kDefaultGrace{20};

// One per process: LibTorch has one CPU allocator slot, and a DataPtr's
// deleter is a plain function that must find its way back here.
class RecyclingAllocator final : public c10::Allocator {
 public:
  static RecyclingAllocator& instance() {
    static RecyclingAllocator* allocator = new RecyclingAllocator();  // never destroyed: deleters may run at exit
    return *allocator;
  }

  void enter() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (scopes_++ == 0) {
      previous_ = c10::GetCPUAllocator();
      c10::SetCPUAllocator(this, /*priority=*/std::numeric_limits<uint8_t>::max());
      // What the last job left is this job's to reuse, or to give back
      // as soon as this job asks for a size it cannot serve.
      ++job_;
      carried_ = kept_;
    }
  }

  void leave() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (--scopes_ > 0) return;
    c10::SetCPUAllocator(previous_, /*priority=*/std::numeric_limits<uint8_t>::max());
    live_ = peak_ = 0;
    if (grace_.count() <= 0) {
      while (!oldest_.empty()) evict_oldest();
      return;
    }
    idle_since_ = std::chrono::steady_clock::now();
    if (!janitor_started_) {
      janitor_started_ = true;
      std::thread([this] { janitor(); }).detach();
    }
    wake_.notify_all();
  }

  std::size_t idle_bytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return scopes_ == 0 ? kept_ : 0;
  }

  void release_idle() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (scopes_ == 0)
      while (!oldest_.empty()) evict_oldest();
  }

  void trim() {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!oldest_.empty()) evict_oldest();
  }

  void set_grace(std::chrono::milliseconds grace) {
    std::lock_guard<std::mutex> lock(mutex_);
    grace_ = grace;
    wake_.notify_all();
  }

  // Every buffer is ours, small ones too: LibTorch's raw_allocate (oneDNN
  // scratch pads) needs one deleter that takes the bare pointer.
  c10::DataPtr allocate(std::size_t size) const override {
    auto* self = const_cast<RecyclingAllocator*>(this);
    void* data = nullptr;
    std::size_t capacity = size;
    if (size >= kSmallest) {
      capacity = round_to_pages(size);
      std::lock_guard<std::mutex> lock(self->mutex_);
      data = self->reuse(capacity, capacity);
    }
    if (!data && size >= kSmallest) {
      // A size the kept buffers cannot serve: first give back as much of
      // what earlier jobs left, so the job never holds more than it would
      // have without them.
      std::lock_guard<std::mutex> lock(self->mutex_);
      for (std::size_t freed = 0; freed < capacity && self->carried_ > 0;) {
        freed += self->oldest_.front().capacity;
        self->evict_oldest();
      }
    }
    if (!data) data = size >= kSmallest ? map_large(capacity) : allocate_small(size);
    {
      std::lock_guard<std::mutex> lock(self->mutex_);
      self->sizes_[data] = capacity;
      if (capacity >= kSmallest) self->peak_ = std::max(self->peak_, self->live_ += capacity);
    }
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

 private:
  static void release(void* data) { instance().recycle(data); }

  static std::size_t round_to_pages(std::size_t size) {
    static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return (size + page - 1) / page * page;
  }

  // The smallest kept buffer that fits `capacity` while wasting under a
  // quarter of it (a padded or phase-shuffled activation is a little larger
  // than the one before), or null. Its pages are already faulted in.
  void* reuse(std::size_t capacity, std::size_t& had) {
    auto found = by_size_.lower_bound(capacity);
    if (found == by_size_.end() || found->first > capacity + capacity / 4) return nullptr;
    had = found->first;
    void* data = found->second->data;
    if (found->second->job != job_) carried_ -= had;
    oldest_.erase(found->second);
    by_size_.erase(found);
    kept_ -= had;
    return data;
  }

  void evict_oldest() {
    const Kept& k = oldest_.front();
    release_memory(k.data, k.capacity);
    kept_ -= k.capacity;
    if (k.job != job_) carried_ -= std::min(carried_, k.capacity);
    by_size_.erase(k.by_size);
    oldest_.pop_front();
  }

  void recycle(void* data) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = sizes_.find(data);
    const std::size_t size = found->second;
    sizes_.erase(found);
    if (size >= kSmallest) live_ -= std::min(live_, size);
    // What waits for reuse stays within the job's own peak of live large
    // buffers (at least 1 GiB: less slows large jobs, docs/benchmarks.md),
    // so the cache at most doubles the high-water mark. Room is
    // made by returning the buffers kept longest: a network's sizes recur
    // step after step, while what the set-up alone used would otherwise
    // fill the cache for good (an optimisation step then missed most of
    // its sizes and faulted fresh pages in for them).
    const std::size_t limit = std::max(peak_, kKeptFloor);
    if (scopes_ > 0 && size >= kSmallest && size <= limit) {
      while (kept_ + size > limit) evict_oldest();
      oldest_.push_back({size, data, job_, {}});
      oldest_.back().by_size = by_size_.emplace(size, std::prev(oldest_.end()));
      kept_ += size;
    } else {
      release_memory(data, size);
    }
  }

  // Large buffers straight from mmap: unlike malloc's heap, whose mmap
  // threshold moves with what was freed last, every run behaves alike.
  // Not advised as transparent huge pages: compaction stalls
  // (docs/benchmarks.md).
  static void* map_large(std::size_t size) {  // size: whole pages
    void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) throw std::bad_alloc();
    return data;
  }

  static void* allocate_small(std::size_t size) {
    void* data = nullptr;
    if (posix_memalign(&data, kAlignment, std::max<std::size_t>(size, 1)) != 0) throw std::bad_alloc();
    return data;
  }

  static void release_memory(void* data, std::size_t size) {
    if (size >= kSmallest)
      ::munmap(data, size);
    else
      std::free(data);
  }

  // Returns the kept buffers once no job has run for the grace period.
  // A detached thread: the allocator is never destroyed, and the core
  // library is never unloaded (LibTorch's global state forbids it).
  void janitor() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (scopes_ > 0 || oldest_.empty()) {
        wake_.wait(lock);
        continue;
      }
      const auto deadline = idle_since_ + grace_;
      if (std::chrono::steady_clock::now() >= deadline) {
        while (!oldest_.empty()) evict_oldest();
        continue;
      }
      wake_.wait_until(lock, deadline);
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool janitor_started_ = false;
  std::chrono::steady_clock::time_point idle_since_;
  std::chrono::milliseconds grace_ = kDefaultGrace;
  std::uint64_t job_ = 0;     // counts jobs (outermost scopes)
  std::size_t carried_ = 0;   // bytes in oldest_ kept by earlier jobs
  int scopes_ = 0;
  std::size_t kept_ = 0;  // bytes waiting in oldest_
  std::size_t live_ = 0;  // large buffers handed out
  std::size_t peak_ = 0;  // the most live_ has been in this job
  c10::Allocator* previous_ = nullptr;
  struct Kept {
    std::size_t capacity;
    void* data;
    std::uint64_t job;  // the job that kept it
    std::multimap<std::size_t, std::list<Kept>::iterator>::iterator by_size;
  };
  std::list<Kept> oldest_;                                                  // kept for reuse, oldest first
  std::multimap<std::size_t, std::list<Kept>::iterator> by_size_;           // the same, by capacity
  std::unordered_map<void*, std::size_t> sizes_;  // handed out: capacity
};

}  // namespace

std::size_t recycled_bytes_idle() { return RecyclingAllocator::instance().idle_bytes(); }
void release_recycled_buffers() { RecyclingAllocator::instance().release_idle(); }
void trim_recycled_buffers() { RecyclingAllocator::instance().trim(); }
void set_recycling_grace(std::chrono::milliseconds grace) { RecyclingAllocator::instance().set_grace(grace); }

RecyclingScope::RecyclingScope() { RecyclingAllocator::instance().enter(); }
RecyclingScope::~RecyclingScope() { RecyclingAllocator::instance().leave(); }

}  // namespace impasto
