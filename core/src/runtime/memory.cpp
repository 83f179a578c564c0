#include "impasto/memory.h"

#include "impasto/error.h"
#include "kernels/recycling_allocator.h"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace impasto {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
constexpr double kMB = 1024.0 * 1024.0;

// "MemAvailable:   123 kB" style lines of /proc files.
std::uint64_t proc_field_kb(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, key.size(), key) == 0) return std::stoull(line.substr(key.size())) * 1024;
  return kUnlimited;
}

std::uint64_t read_number(const std::string& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text) || text == "max") return kUnlimited;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return kUnlimited;
  }
}

// Room left under the memory limit of this process's cgroup (v2, or v1).
std::uint64_t cgroup_room() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  std::uint64_t room = kUnlimited;
  while (std::getline(in, line)) {
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
    std::string limit, usage;
    if (controllers.empty()) {
      limit = "/sys/fs/cgroup" + path + "/memory.max";
      usage = "/sys/fs/cgroup" + path + "/memory.current";
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      limit = "/sys/fs/cgroup/memory" + path + "/memory.limit_in_bytes";
      usage = "/sys/fs/cgroup/memory" + path + "/memory.usage_in_bytes";
    } else {
      continue;
    }
    const auto l = read_number(limit), u = read_number(usage);
    const auto used = u == kUnlimited ? 0 : u;
    if (l != kUnlimited) room = std::min(room, l > used ? l - used : 0);
  }
  return room;
}

std::uint64_t address_space_room() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kUnlimited;
  const auto used = proc_field_kb("/proc/self/status", "VmSize:");
  if (used == kUnlimited) return kUnlimited;
  return limit.rlim_cur > used ? limit.rlim_cur - used : 0;
}

}  // namespace

std::uint64_t available_memory() {
  const std::uint64_t room = std::min({proc_field_kb("/proc/meminfo", "MemAvailable:"), cgroup_room(), address_space_room()});
  // Buffers the last job left for the next one are the next job's to use.
  const std::uint64_t idle = recycled_bytes_idle();
  return room > std::numeric_limits<std::uint64_t>::max() - idle ? room : room + idle;
}

void require_memory(std::uint64_t needed) {
  const auto available = available_memory();
  if (needed <= available) return;
  std::ostringstream message;
  message.precision(2);
  message << std::fixed << "This job needs about " << needed / kMB / 1024.0 << " GB of memory, but only "
          << available / kMB / 1024.0
          << " GB is available: scale the image down, lower the processing size or scale, or close other programs.";
  throw Error(message.str());
}

void require_memory_beyond(std::uint64_t needed, std::initializer_list<const Image*> held) {
  std::uint64_t bytes = 0;
  for (const Image* image : held) bytes += image->pixels.size() * sizeof(float);
  require_memory(needed - std::min(needed, bytes));
}

}  // namespace impasto
