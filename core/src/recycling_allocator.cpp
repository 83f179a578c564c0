#include "recycling_allocator.h"

#include <c10/core/CPUAllocator.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <new>
#include <map>
#include <unordered_map>

namespace impasto {
namespace {

constexpr std::size_t kSmallest = std::size_t{1} << 20;  // below this glibc's heap is fast enough
constexpr std::size_t kAlignment = 64;                    // as c10's own CPU allocator
constexpr std::size_t kKeptFloor = std::size_t{1} << 30;

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
    }
  }

  void leave() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--scopes_ > 0) return;
    c10::SetCPUAllocator(previous_, /*priority=*/std::numeric_limits<uint8_t>::max());
    for (auto& [capacity, data] : free_) release_memory(data, capacity);
    free_.clear();
    kept_ = 0;
    live_ = peak_ = 0;
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
      data = self->reuse(capacity);
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

  // A kept buffer made exactly `capacity` bytes long, or null when none is
  // kept. Its pages are already faulted in, which is the point: the
  // smallest one that fits is split; failing that, the largest one grows
  // (only the new tail faults in). A network's sizes
  // change from layer to layer and, in an optimisation, between forward
  // and backward, so exact-size reuse alone kept missing.
  void* reuse(std::size_t capacity) {
    if (free_.empty()) return nullptr;
    auto found = free_.lower_bound(capacity);
    if (found == free_.end()) --found;
    std::size_t had = found->first;
    void* data = found->second;
    free_.erase(found);
    kept_ -= had;
    if (had > capacity) {
      // The tail stays kept as a buffer of its own (munmap and mremap work
      // on any page range, not only on whole mappings).
      void* tail = static_cast<char*>(data) + capacity;
      if (had - capacity >= kSmallest) {
        free_.emplace(had - capacity, tail);
        kept_ += had - capacity;
      } else {
        ::munmap(tail, had - capacity);
      }
    } else if (had < capacity) {
      void* grown = ::mremap(data, had, capacity, MREMAP_MAYMOVE);
      if (grown == MAP_FAILED) {
        ::munmap(data, had);
        return nullptr;
      }
      data = grown;
    }
    return data;
  }

  void recycle(void* data) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = sizes_.find(data);
    const std::size_t size = found->second;
    sizes_.erase(found);
    if (size >= kSmallest) live_ -= std::min(live_, size);
    // What waits for reuse stays within the job's own peak of live large
    // buffers (at least 1 GiB, measured: less slowed 24-megapixel jobs by a
    // third), so the cache at most doubles the high-water mark.
    if (scopes_ > 0 && size >= kSmallest && kept_ + size <= std::max(peak_, kKeptFloor)) {
      free_.emplace(size, data);
      kept_ += size;
    } else {
      release_memory(data, size);
    }
  }

  // Large buffers straight from mmap: unlike malloc's heap, whose mmap
  // threshold moves with what was freed last, every run behaves alike.
  // (Advising them as transparent huge pages made alternate runs 30% slower
  // here, from compaction stalls, and steady runs no faster.)
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

  std::mutex mutex_;
  int scopes_ = 0;
  std::size_t kept_ = 0;  // bytes waiting in free_
  std::size_t live_ = 0;  // large buffers handed out
  std::size_t peak_ = 0;  // the most live_ has been in this job
  c10::Allocator* previous_ = nullptr;
  std::multimap<std::size_t, void*> free_;        // kept for reuse, by capacity
  std::unordered_map<void*, std::size_t> sizes_;  // handed out: capacity
};

}  // namespace

RecyclingScope::RecyclingScope() { RecyclingAllocator::instance().enter(); }
RecyclingScope::~RecyclingScope() { RecyclingAllocator::instance().leave(); }

}  // namespace impasto
